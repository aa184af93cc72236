using Hub.Contracts.Customers;
using Hub.Contracts.Touchpoints;

namespace Hub.Contracts.Consent;

/// <summary>
/// How a connector states a customer's consent: as a profile fact named <c>consent.&lt;channel&gt;</c> (the whole
/// channel, every purpose: an SMS STOP) or <c>consent.&lt;channel&gt;.&lt;purpose&gt;</c> (one purpose, such as
/// <c>consent.email.marketing</c>) or <c>consent.*.&lt;purpose&gt;</c> (one purpose on every channel: an SMS STOP
/// also states <c>consent.*.marketing</c> denied), whose value is one of <see cref="Granted"/>, <see cref="Denied"/>,
/// <see cref="Revoked"/>. The master record keeps the most recent statement per fact, with its source.
/// </summary>
public static class ConsentFacts
{
    /// <summary>The prefix of every consent fact.</summary>
    public const string Prefix = "consent.";

    /// <summary>The customer agreed.</summary>
    public const string Granted = "granted";

    /// <summary>The customer said no.</summary>
    public const string Denied = "denied";

    /// <summary>The customer withdrew an earlier agreement.</summary>
    public const string Revoked = "revoked";

    /// <summary>Messages the customer asked for or that answer them.</summary>
    public const string ServicePurpose = "service";

    /// <summary>Messages the company starts to sell or promote.</summary>
    public const string MarketingPurpose = "marketing";

    /// <summary>
    /// The channel of a purpose-wide fact (<c>consent.*.marketing</c>): every channel. No channel can be named so.
    /// </summary>
    public const string AllChannels = "*";

    /// <summary>The channels a consent statement can name: those the hub sends or calls on.</summary>
    public static IReadOnlyList<string> Channels { get; } =
        [TouchpointChannels.Email, TouchpointChannels.Sms, TouchpointChannels.Phone, TouchpointChannels.Social];

    /// <summary>The purposes a consent statement can name.</summary>
    public static IReadOnlyList<string> Purposes { get; } = [ServicePurpose, MarketingPurpose];

    /// <summary>
    /// Why <paramref name="fact"/> (a consent fact) names nothing the hub acts on, or null when it names a channel, a
    /// purpose on a channel, or a purpose on every channel: a statement the hub would keep but never check (<c>consent.fax</c>,
    /// <c>consent.email.newsletter</c>) would let an opt-out look honoured that is not.
    /// </summary>
    public static string? NameProblem(string fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        var parts = fact.StartsWith(Prefix, StringComparison.Ordinal) ? fact[Prefix.Length..].Split('.') : [];
        return parts switch
        {
            [var channel] when Channels.Contains(channel) => null,
            [var channel, var purpose] when (channel == AllChannels || Channels.Contains(channel)) && Purposes.Contains(purpose) => null,
            _ => $"names no consent the hub keeps: use consent.<channel> or consent.<channel>.<purpose>, with a channel of " +
                $"{string.Join(", ", Channels)} (or * with a purpose) and a purpose of {string.Join(", ", Purposes)}.",
        };
    }

    /// <summary>
    /// Why a consent statement from outside cannot be kept (its name, <see cref="NameProblem"/>, or its status), or null
    /// with <paramref name="status"/> as stored (<see cref="NormalizeStatus"/>). Stored as it came, a "no" or "opted-out"
    /// would replace an earlier "denied" without withholding anything.
    /// </summary>
    public static string? StatementProblem(string fact, string value, out string? status)
    {
        status = null;
        if (NameProblem(fact) is { } unknown)
        {
            return unknown;
        }
        status = NormalizeStatus(value);
        return status is null ? $"must be one of {string.Join(", ", Statuses)}, true or false (got '{value}')." : null;
    }

    /// <summary>The fact for a whole channel (<paramref name="purpose"/> null) or for one purpose on it.</summary>
    public static string For(string channel, string? purpose = null) =>
        purpose is null ? Prefix + channel : $"{Prefix}{channel}.{purpose}";

    /// <summary>Whether <paramref name="field"/> is a consent fact.</summary>
    public static bool IsConsent(string field) => field.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="status"/> withholds consent (<see cref="Denied"/> or <see cref="Revoked"/>).</summary>
    public static bool Withholds(string? status) =>
        string.Equals(status, Denied, StringComparison.OrdinalIgnoreCase) || string.Equals(status, Revoked, StringComparison.OrdinalIgnoreCase);

    /// <summary>The three statuses, as stored.</summary>
    public static IReadOnlyList<string> Statuses { get; } = [Granted, Denied, Revoked];

    /// <summary>
    /// A stated status as stored: <c>granted</c>, <c>denied</c>, <c>revoked</c> (any case), or a boolean
    /// (<c>true</c> = granted, <c>false</c> = denied); null when it is none of these.
    /// </summary>
    public static string? NormalizeStatus(string? status) => status?.Trim().ToLowerInvariant() switch
    {
        Granted or "true" => Granted,
        Denied or "false" => Denied,
        Revoked => Revoked,
        _ => null,
    };

    /// <summary>
    /// The statement that withholds consent for a message on <paramref name="channel"/> for <paramref name="purpose"/>:
    /// the whole channel's first (it covers every purpose); then, of the purpose's on that channel
    /// (<c>consent.email.marketing</c>) and the purpose's on every channel (<c>consent.*.marketing</c>), the most
    /// recent one (on a tie, the withholding one); null when none withholds.
    /// With <paramref name="channelOnly"/>, only the whole channel's counts.
    /// </summary>
    public static (string Fact, CustomerFieldValue Statement)? Withholding(
        IReadOnlyDictionary<string, CustomerFieldValue> fields, string channel, string purpose, bool channelOnly = false)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.TryGetValue(For(channel), out var whole) && Withholds(whole.Value))
        {
            return (For(channel), whole);
        }
        if (channelOnly)
        {
            return null;
        }
        (string Fact, CustomerFieldValue Statement)? latest = null;
        foreach (var fact in new[] { For(channel, purpose), For(AllChannels, purpose) })
        {
            if (fields.TryGetValue(fact, out var statement)
                && (latest is not { } current || statement.ObservedAt > current.Statement.ObservedAt
                    || (statement.ObservedAt == current.Statement.ObservedAt && Withholds(statement.Value))))
            {
                latest = (fact, statement);
            }
        }
        return latest is { } said && Withholds(said.Statement.Value) ? said : null;
    }

    /// <summary>
    /// Whether anyone stated consent for the channel, or for the purpose on it or on every channel.
    /// </summary>
    public static bool IsStated(IReadOnlyDictionary<string, CustomerFieldValue> fields, string channel, string? purpose = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return fields.ContainsKey(For(channel))
            || (purpose is not null && (fields.ContainsKey(For(channel, purpose)) || fields.ContainsKey(For(AllChannels, purpose))));
    }
}
