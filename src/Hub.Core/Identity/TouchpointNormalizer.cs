using System.Text;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Core.Identity;

/// <summary>Turns a connector's draft into the canonical touchpoint the hub accepts.</summary>
public sealed class TouchpointNormalizer(IdentifierNormalizer identifiers)
{
    /// <summary>
    /// Stamps id, instance and receive time; normalizes identities, keeping the rejected ones. A touchpoint cannot have
    /// happened after the hub received it: a later time (a sender's clock running ahead, or a forged date) becomes the
    /// receive time, so that it cannot outrank later statements, such as a consent withdrawn, for as long as it claims.
    /// Profile fact values are put in Unicode normalization form C, so that one name typed composed (é) or decomposed
    /// (e + combining accent) is one value.
    /// </summary>
    public TouchpointReceived Normalize(TouchpointDraft draft, string connectorInstanceId, DateTimeOffset receivedAt, string? regionOverride = null)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var accepted = new List<CustomerIdentifier>();
        var rejected = new List<RejectedIdentifier>();
        foreach (var identity in draft.Identities)
        {
            var result = identifiers.Normalize(identity, regionOverride);
            if (result.Identifier is { } normalized)
            {
                if (!accepted.Contains(normalized))
                {
                    accepted.Add(normalized);
                }
            }
            else
            {
                rejected.Add(new RejectedIdentifier(identity, result.Problem!));
            }
        }
        return new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From(connectorInstanceId, draft.SourceEventId),
            ConnectorInstanceId = connectorInstanceId,
            SourceEventId = draft.SourceEventId,
            Channel = draft.Channel,
            Type = draft.Type,
            OccurredAt = draft.OccurredAt > receivedAt ? receivedAt : draft.OccurredAt,
            ReceivedAt = receivedAt,
            Direction = draft.Direction,
            Identities = accepted,
            RejectedIdentities = rejected,
            ProfileFacts = Composed(draft.ProfileFacts),
            Summary = draft.Summary,
            ContentReference = draft.ContentReference,
            Details = draft.Details,
            WithdrawsTouchpointId = draft.Withdraws is { } withdrawn ? TouchpointIds.From(connectorInstanceId, withdrawn) : null,
        };
    }

    private static IReadOnlyDictionary<string, string> Composed(IReadOnlyDictionary<string, string> facts) =>
        facts.Values.All(v => Composed(v) == v) ? facts : facts.ToDictionary(f => f.Key, f => Composed(f.Value), StringComparer.Ordinal);

    private static string Composed(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return text; // not valid Unicode (a lone surrogate): kept as it came
        }
    }
}
