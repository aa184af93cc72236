using Hub.Contracts.Connectors;
using Hub.Contracts.Consent;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Telemetry;

namespace Hub.Server.Api.Messages;

/// <summary>
/// Puts what became of an outbound message on the customer's timeline, through the same ingress as any
/// touchpoint: <c>&lt;channel&gt;.sent</c> or the provider's own type (keyed by the id the provider reports the
/// message under, so a retry, or the provider's echo of it, lands once),
/// <c>&lt;channel&gt;.blocked</c> with the consent that blocked it, <c>&lt;channel&gt;.failed</c> with the
/// provider's error, <c>&lt;channel&gt;.unconfirmed</c> when the provider never answered after the request left (it may
/// have the message). A provider's own opt-out answer also records the denial on the customer. All of them are
/// outbound; relationship health counts only the sent ones as contacts and replies (<c>ConversationRules</c>). While the
/// ingress refuses (the broker is down), the first outcome it could not take is logged in full, the next ones only in
/// <see cref="OutageLog"/>'s reminders; the caller learns it from the answer (<c>RecordedOnTimeline</c>).
/// </summary>
internal sealed partial class MessageOutcomes(
    TouchpointNormalizer normalizer, ITouchpointIngress ingress, TimeProvider time, OutageLogs outages, ILogger<MessageOutcomes> logger)
{
    private const int MaxSummaryLength = 160;

    private readonly OutageLog _outage = outages.For("Putting message outcomes on the timeline", logger);

    public Task<bool> SentAsync(OutboundAttempt attempt, string text, MessageSendResult result, CancellationToken cancellationToken) =>
        RecordAsync(attempt, result.TouchpointType ?? "sent", result.SourceEventId ?? result.ExternalMessageId ?? NewEventId("sent"),
            $"{Capitalized(attempt.Purpose)} message sent: {Shortened(text)}", [], cancellationToken);

    public Task<bool> BlockedAsync(OutboundAttempt attempt, string reason, CancellationToken cancellationToken) =>
        RecordAsync(attempt, "blocked", NewEventId("blocked"), $"{Capitalized(attempt.Purpose)} message not sent: {reason}", [], cancellationToken);

    public Task<bool> FailedAsync(OutboundAttempt attempt, MessageSendResult result, CancellationToken cancellationToken)
    {
        var facts = result.RecipientOptedOut ? new Dictionary<string, string> { [ConsentFacts.For(attempt.Channel)] = ConsentFacts.Denied } : [];
        return RecordAsync(attempt, "failed", NewEventId("failed"), $"{Capitalized(attempt.Purpose)} message refused: {result.Detail}", facts, cancellationToken);
    }

    public Task<bool> UnconfirmedAsync(OutboundAttempt attempt, string text, CancellationToken cancellationToken) =>
        RecordAsync(attempt, "unconfirmed", NewEventId("unconfirmed"),
            $"{Capitalized(attempt.Purpose)} message perhaps sent (the provider did not confirm it): {Shortened(text)}", [], cancellationToken);

    // The outcome is a whole touchpoint type (social.dm.sent) or one under the channel (sent).
    private async Task<bool> RecordAsync(
        OutboundAttempt attempt, string outcome, string sourceEventId, string summary, Dictionary<string, string> facts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var draft = new TouchpointDraft
        {
            SourceEventId = sourceEventId,
            Channel = attempt.Channel,
            Type = outcome.Contains('.', StringComparison.Ordinal) ? outcome : $"{attempt.Channel}.{outcome}",
            OccurredAt = now,
            Direction = TouchpointDirection.Outbound,
            Identities = [new CustomerIdentifier(attempt.RecipientType, attempt.To)],
            ProfileFacts = facts,
            Summary = summary,
        };
        try
        {
            await ingress.AcceptAsync([normalizer.Normalize(draft, attempt.Instance.Id, now, attempt.Instance.Settings.Get("DefaultRegion"))], cancellationToken);
            _outage.Succeeded();
            return true;
        }
        catch (IngressUnavailableException e)
        {
            _outage.Failed(e, (log, exception) => LogNotOnTimeline(log, exception, outcome, attempt.Instance.Id));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Outcome} message through {ConnectorInstance} could not be put on the timeline")]
    private static partial void LogNotOnTimeline(ILogger logger, Exception exception, string outcome, string connectorInstance);

    private static string NewEventId(string outcome) => $"{outcome}-{Guid.NewGuid():N}";

    private static string Capitalized(string purpose) => char.ToUpperInvariant(purpose[0]) + purpose[1..];

    private static string Shortened(string text) => text.Length > MaxSummaryLength ? text[..MaxSummaryLength] + "…" : text;
}

/// <summary>One message on its way: through which instance and channel, to whom, for what purpose.</summary>
internal sealed record OutboundAttempt(ConnectorInstance Instance, string Channel, string RecipientType, string To, string Purpose);
