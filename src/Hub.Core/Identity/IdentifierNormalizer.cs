using System.Globalization;
using System.Text;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using PhoneNumbers;

namespace Hub.Core.Identity;

/// <summary>
/// Brings identifiers into the one form two systems agree on: e-mail trimmed, in Unicode normalization form C and
/// lower-cased (IDN domains in their Unicode form), phone numbers in E.164 (a local number without its area code is
/// not one), Twitter/X numeric ids, CRM record ids as given. A value longer than the hub stores (<see cref="TouchpointLimits"/>) is not an identifier.
/// </summary>
public sealed class IdentifierNormalizer(string defaultRegion, EmailNormalization? email = null)
{
    /// <summary>The longest e-mail address SMTP carries (RFC 5321: a 256-octet path, angle brackets included).</summary>
    public const int MaxEmailLength = 254;

    private readonly EmailNormalization _email = email ?? new EmailNormalization();

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private static readonly IdnMapping Idn = new();

    /// <summary>The ISO 3166 region national phone numbers are read in.</summary>
    public string DefaultRegion { get; } = defaultRegion.ToUpperInvariant();

    /// <summary>The normalized identifier, or the reason it cannot be one.</summary>
    public IdentifierNormalization Normalize(CustomerIdentifier identifier, string? regionOverride = null)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var type = identifier.Type.Trim().ToLowerInvariant();
        if (type.Length > TouchpointLimits.IdentifierTypeLength)
        {
            return IdentifierNormalization.Invalid($"the identifier type is longer than {TouchpointLimits.IdentifierTypeLength} characters");
        }
        var value = identifier.Value?.Trim() ?? "";
        if (value.Length == 0)
        {
            return IdentifierNormalization.Invalid("the value is empty");
        }
        if (value.Length > TouchpointLimits.IdentifierValueLength)
        {
            return IdentifierNormalization.Invalid($"the value is longer than {TouchpointLimits.IdentifierValueLength} characters");
        }
        return type switch
        {
            IdentifierTypes.Email => NormalizeEmail(value, _email),
            IdentifierTypes.Phone => NormalizePhone(value, regionOverride?.Trim().ToUpperInvariant() ?? DefaultRegion),
            IdentifierTypes.Twitter => NormalizeTwitter(value),
            _ when IsExternalRecordType(type) => IdentifierNormalization.Valid(new CustomerIdentifier(type, value)),
            _ => IdentifierNormalization.Invalid($"'{identifier.Type}' is not an identifier type (email, phone, twitter or <system>:<record type>)"),
        };
    }

    private static IdentifierNormalization NormalizeEmail(string value, EmailNormalization rules)
    {
        if (value.Length > MaxEmailLength)
        {
            return IdentifierNormalization.Invalid($"an e-mail address is at most {MaxEmailLength} characters long");
        }
        // One address typed on different systems may arrive composed (é) or decomposed (e + combining acute).
        if (!TryNormalizeUnicode(value, out value))
        {
            return IdentifierNormalization.Invalid("not valid Unicode text");
        }
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1 || value.IndexOf('@', StringComparison.Ordinal) != at || value.Any(char.IsWhiteSpace))
        {
            return IdentifierNormalization.Invalid("not an e-mail address");
        }
        var local = value[..at];
        string domain;
        try
        {
            domain = Idn.GetUnicode(value[(at + 1)..].TrimEnd('.'));
        }
        catch (ArgumentException)
        {
            return IdentifierNormalization.Invalid("the e-mail domain is not a valid host name");
        }
        if (!domain.Contains('.', StringComparison.Ordinal))
        {
            return IdentifierNormalization.Invalid("the e-mail domain has no dot");
        }
        domain = domain.ToLowerInvariant();
        if (rules.IgnorePlusTagsForDomains.Contains(domain) || rules.IgnorePlusTagsForDomains.Contains("*"))
        {
            var plus = local.IndexOf('+', StringComparison.Ordinal);
            local = plus > 0 ? local[..plus] : local;
        }
        if (rules.IgnoreDotsForDomains.Contains(domain))
        {
            local = local.Replace(".", "", StringComparison.Ordinal);
        }
        return IdentifierNormalization.Valid(CustomerIdentifier.Email($"{CaseFolding.Fold(local)}@{domain}".Normalize(NormalizationForm.FormC)));
    }

    private static bool TryNormalizeUnicode(string value, out string normalized)
    {
        try
        {
            normalized = value.Normalize(NormalizationForm.FormC);
            return true;
        }
        catch (ArgumentException)
        {
            normalized = value; // a lone surrogate
            return false;
        }
    }

    private static IdentifierNormalization NormalizePhone(string value, string region)
    {
        try
        {
            var number = Phones.Parse(value, region);
            // Possible, not valid: validity depends on the allocation data of the libphonenumber release (a new area code
            // would be refused until an update, and an update would change which stored numbers count), and it refuses
            // the fictional 555 numbers that tests and examples use. A local-only number (555-0177 in the US) is possible
            // too, but without its area code it is the same digits for people in every area: never an identifier.
            return Phones.IsPossibleNumberWithReason(number) switch
            {
                PhoneNumberUtil.ValidationResult.IS_POSSIBLE =>
                    IdentifierNormalization.Valid(CustomerIdentifier.Phone(Phones.Format(number, PhoneNumberFormat.E164))),
                PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY => IdentifierNormalization.Invalid(
                    "a local phone number without an area code, which cannot identify a person: send it with its area code, or in E.164"),
                _ => IdentifierNormalization.Invalid($"not a possible phone number in region {region}"),
            };
        }
        catch (NumberParseException e)
        {
            return IdentifierNormalization.Invalid($"not a phone number ({e.ErrorType})");
        }
    }

    private static IdentifierNormalization NormalizeTwitter(string value) =>
        value.All(char.IsAsciiDigit) && value.Length <= 20
            ? IdentifierNormalization.Valid(new CustomerIdentifier(IdentifierTypes.Twitter, value.TrimStart('0') is { Length: > 0 } id ? id : "0"))
            : IdentifierNormalization.Invalid("a Twitter/X identifier is the numeric user id (a handle is a profile fact)");

    private static bool IsExternalRecordType(string type)
    {
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < type.Length - 1 && type.IndexOf(':', colon + 1) < 0;
    }
}

/// <summary>
/// Provider-specific e-mail equivalences, off unless configured (<c>Hub:Identity:Email</c>): some providers
/// ignore dots in the local part (<c>jane.doe@gmail.com</c> is <c>janedoe@gmail.com</c>) or deliver
/// <c>jane+news@</c> to <c>jane@</c>; elsewhere those are different mailboxes.
/// </summary>
public sealed class EmailNormalization
{
    /// <summary>Domains whose local part ignores dots, such as <c>gmail.com</c>.</summary>
    public HashSet<string> IgnoreDotsForDomains { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Domains (or <c>*</c> for all) where a <c>+tag</c> suffix of the local part is dropped.</summary>
    public HashSet<string> IgnorePlusTagsForDomains { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The result of normalizing one identifier.</summary>
/// <param name="Identifier">The normalized identifier, when valid.</param>
/// <param name="Problem">Why it is not valid, otherwise.</param>
public sealed record IdentifierNormalization(CustomerIdentifier? Identifier, string? Problem)
{
    internal static IdentifierNormalization Valid(CustomerIdentifier identifier) => new(identifier, null);

    internal static IdentifierNormalization Invalid(string problem) => new(null, problem);
}
