using Hub.Contracts.Connectors;
using Hub.Contracts.Consent;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Ingress;

namespace Hub.Server.Api.Messages;

/// <summary>
/// Puts what became of an outbound message on the customer's timeline, through the same ingress as any
/// touchpoint: <c>&lt;channel&gt;.sent</c> (keyed by the provider's message id, so a retry records it once),
/// <c>&lt;channel&gt;.blocked</c> with the consent that blocked it, <c>&lt;channel&gt;.failed</c> with the
/// provider's error. A provider's own opt-out answer also records the denial on the customer.
/// </summary>
internal sealed class MessageOutcomes(TouchpointNormalizer normalizer, ITouchpointIngress ingress, TimeProvider time, ILogger<MessageOutcomes> logger)
{
    private const int MaxSummaryLength = 160;

    public Task<bool> SentAsync(ConnectorInstance instance, string channel, string to, string purpose, string text, MessageSendResult result, CancellationToken cancellationToken) =>
        RecordAsync(instance, channel, to, "sent", result.ExternalMessageId ?? NewEventId("sent"),
            $"{Capitalized(purpose)} message sent: {Shortened(text)}", [], cancellationToken);

    public Task<bool> BlockedAsync(ConnectorInstance instance, string channel, string to, string purpose, string reason, CancellationToken cancellationToken) =>
        RecordAsync(instance, channel, to, "blocked", NewEventId("blocked"), $"{Capitalized(purpose)} message not sent: {reason}", [], cancellationToken);

    public Task<bool> FailedAsync(ConnectorInstance instance, string channel, string to, string purpose, MessageSendResult result, CancellationToken cancellationToken)
    {
        var facts = result.RecipientOptedOut ? new Dictionary<string, string> { [ConsentFacts.For(channel)] = ConsentFacts.Denied } : [];
        return RecordAsync(instance, channel, to, "failed", NewEventId("failed"), $"{Capitalized(purpose)} message refused: {result.Detail}", facts, cancellationToken);
    }

    private async Task<bool> RecordAsync(
        ConnectorInstance instance, string channel, string to, string outcome, string sourceEventId, string summary,
        Dictionary<string, string> facts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var draft = new TouchpointDraft
        {
            SourceEventId = sourceEventId,
            Channel = channel,
            Type = $"{channel}.{outcome}",
            OccurredAt = now,
            Direction = TouchpointDirection.Outbound,
            Identities = [new CustomerIdentifier(IdentifierTypes.Phone, to)],
            ProfileFacts = facts,
            Summary = summary,
        };
        try
        {
            await ingress.AcceptAsync([normalizer.Normalize(draft, instance.Id, now, instance.Settings.Get("DefaultRegion"))], cancellationToken);
            return true;
        }
        catch (IngressUnavailableException e)
        {
            logger.LogWarning(e, "The {Outcome} message through {ConnectorInstance} could not be put on the timeline", outcome, instance.Id);
            return false;
        }
    }

    private static string NewEventId(string outcome) => $"{outcome}-{Guid.NewGuid():N}";

    private static string Capitalized(string purpose) => char.ToUpperInvariant(purpose[0]) + purpose[1..];

    private static string Shortened(string text) => text.Length > MaxSummaryLength ? text[..MaxSummaryLength] + "…" : text;
}
