using Hub.Contracts.Identity;

namespace Hub.Core.Identity;

/// <summary>
/// Merge protection, from <c>Hub:Identity</c>: how many identifiers of one type a customer may hold
/// (a CRM record type holds one: two different Salesforce contacts are never merged), and which
/// values are never identifiers at all.
/// </summary>
public sealed class IdentityRules
{
    private static readonly string[] DefaultBlockedValues =
        ["null", "nil", "none", "n/a", "na", "undefined", "anonymous", "unknown", "-1", "0", "test", "noreply", "no-reply"];

    /// <summary>Limits per identifier type; types not listed: <see cref="DefaultLimit"/>; CRM record types: 1.</summary>
    public Dictionary<string, int> MaxPerType { get; init; } = new(StringComparer.Ordinal)
    {
        [IdentifierTypes.Email] = 5,
        [IdentifierTypes.Phone] = 5,
        [IdentifierTypes.Twitter] = 3,
    };

    public int DefaultLimit { get; init; } = 10;

    /// <summary>Values that are never identifiers of any type (compared case-insensitively, trimmed).</summary>
    public HashSet<string> BlockedValues { get; init; } = new(DefaultBlockedValues, StringComparer.OrdinalIgnoreCase);

    /// <summary>Normalized identifiers that are shared and never identify one person, such as the company's own <c>info@</c> address.</summary>
    public HashSet<CustomerIdentifier> BlockedIdentifiers { get; init; } = [];

    public int LimitFor(string type) =>
        MaxPerType.TryGetValue(type, out var limit) ? limit : IsExternalRecord(type) ? 1 : DefaultLimit;

    /// <summary>Lower is stronger: CRM record ids, then e-mail, phone, Twitter, then other types.</summary>
    public static int Strength(string type) => type switch
    {
        _ when IsExternalRecord(type) => 0,
        IdentifierTypes.Email => 1,
        IdentifierTypes.Phone => 2,
        IdentifierTypes.Twitter => 3,
        _ => 4,
    };

    /// <summary>Why a normalized identifier may not be used, or null when it may.</summary>
    public string? BlockReason(CustomerIdentifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (BlockedIdentifiers.Contains(identifier))
        {
            return "a shared address or number listed in Hub:Identity:BlockedIdentifiers";
        }
        var value = identifier.Value.Trim();
        var local = identifier.Type == IdentifierTypes.Email ? value[..Math.Max(0, value.IndexOf('@', StringComparison.Ordinal))] : value;
        if (BlockedValues.Contains(value) || (identifier.Type == IdentifierTypes.Email && BlockedValues.Contains(local)))
        {
            return $"'{value}' is a placeholder, not an identifier (Hub:Identity:BlockedValues)";
        }
        if (identifier.Type == IdentifierTypes.Phone && IsPlaceholderPhone(value.TrimStart('+')))
        {
            return "an all-zero or one-digit phone number is a placeholder";
        }
        return null;
    }

    // E.164 digits: a country code of 1 to 3 digits, then the national number.
    private static bool IsPlaceholderPhone(string digits) =>
        digits.Distinct().Count() == 1 || Enumerable.Range(1, 3).Any(cc => digits.Length > cc + 5 && digits[cc..].All(c => c == '0'));

    private static bool IsExternalRecord(string type) => type.Contains(':', StringComparison.Ordinal);
}
