using System.Globalization;

namespace Hub.Contracts.Touchpoints;

/// <summary>
/// The longest values the hub's store keeps for what a touchpoint carries (the database columns are this long). The
/// ingress checks them before it answers: a touchpoint that does not fit must be refused, not acknowledged and then
/// failed in resolution.
/// </summary>
public static class TouchpointLimits
{
    /// <summary>A connector instance id.</summary>
    public const int ConnectorInstanceIdLength = 100;

    /// <summary>A source event id.</summary>
    public const int SourceEventIdLength = 300;

    /// <summary>A channel (one of <see cref="TouchpointChannels"/>).</summary>
    public const int ChannelLength = 20;

    /// <summary>A touchpoint type such as <c>call.completed</c>.</summary>
    public const int TypeLength = 100;

    /// <summary>An identifier type such as <c>email</c> or <c>salesforce:contact</c>.</summary>
    public const int IdentifierTypeLength = 100;

    /// <summary>An identifier value (320: the longest e-mail address the old RFC 3696 errata allowed).</summary>
    public const int IdentifierValueLength = 320;

    /// <summary>The name of a profile fact, which becomes the name of a master record field.</summary>
    public const int ProfileFactNameLength = 200;

    /// <summary>
    /// The first value of the draft, identities aside, that is longer than the hub stores, as a sentence naming the
    /// field and the limit; null when everything fits.
    /// </summary>
    /// <param name="draft">The draft.</param>
    /// <param name="fieldPrefix">Put before the field names, where the sender wrote them in an object (<c>data.</c>).</param>
    public static string? Exceeded(TouchpointDraft draft, string fieldPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(draft);
        return TooLong($"'{fieldPrefix}sourceEventId'", draft.SourceEventId, SourceEventIdLength)
            ?? TooLong($"'{fieldPrefix}channel'", draft.Channel, ChannelLength)
            ?? TooLong($"'{fieldPrefix}type'", draft.Type, TypeLength)
            ?? draft.ProfileFacts.Keys.Select(name => TooLong($"The profile fact name starting '{name[..Math.Min(name.Length, 40)]}'", name, ProfileFactNameLength))
                .FirstOrDefault(p => p is not null);
    }

    /// <summary>
    /// The first identity of the draft whose type or value (trimmed) is longer than the hub stores, as a sentence naming
    /// it (<c>identities[2].value</c>) and the limit; null when all fit. Where a source cannot be asked to send again,
    /// the host keeps such an identity among the touchpoint's rejected ones instead.
    /// </summary>
    /// <param name="draft">The draft.</param>
    /// <param name="fieldPrefix">Put before the field names, where the sender wrote them in an object (<c>data.</c>).</param>
    public static string? IdentityExceeded(TouchpointDraft draft, string fieldPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(draft);
        for (var i = 0; i < draft.Identities.Count; i++)
        {
            var identity = draft.Identities[i];
            if ((TooLong($"'{fieldPrefix}identities[{i}].type'", identity.Type?.Trim(), IdentifierTypeLength)
                ?? TooLong($"'{fieldPrefix}identities[{i}].value'", identity.Value?.Trim(), IdentifierValueLength)) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private static string? TooLong(string subject, string? value, int limit) =>
        value is not null && value.Length > limit
            ? string.Create(CultureInfo.InvariantCulture, $"{subject} is {value.Length} characters long; the hub stores at most {limit}.")
            : null;
}
