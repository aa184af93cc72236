namespace Hub.Infrastructure.Persistence;

/// <summary>
/// A message a consumer gave up on after its retries, kept with what is needed to replay it. One row per
/// message and queue (<see cref="Fingerprint"/>): failing again (a redelivery, a replay that fails) updates it.
/// </summary>
public sealed class FailedMessageRow
{
    public long Id { get; set; }

    /// <summary>SHA-256 of queue, message type and body: the same message failing again finds its row.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>The receive queue (endpoint) the message failed on, such as <c>hub-sync-crm2</c>.</summary>
    public required string Queue { get; set; }

    /// <summary>The message type's short name, such as <c>CustomerUpdated</c>.</summary>
    public required string MessageType { get; set; }

    public Guid? MessageId { get; set; }

    /// <summary>The message as JSON (web casing), as the consumer received it.</summary>
    public required string Body { get; set; }

    /// <summary>The message's headers as a JSON object.</summary>
    public required string Headers { get; set; }

    public required string ExceptionType { get; set; }

    public required string ExceptionMessage { get; set; }

    public DateTimeOffset FirstFailedAt { get; set; }

    public DateTimeOffset LastFailedAt { get; set; }

    /// <summary>Deliveries to the consumer, retries included, over every time it failed.</summary>
    public int Attempts { get; set; }

    /// <summary><see cref="FailedMessageStatus"/>: <c>failed</c>, <c>replayed</c> or <c>discarded</c>.</summary>
    public required string Status { get; set; }

    public DateTimeOffset? ReplayedAt { get; set; }

    public DateTimeOffset? DiscardedAt { get; set; }
}

/// <summary>The states of a <see cref="FailedMessageRow"/>; the API shows them as they are stored.</summary>
public static class FailedMessageStatus
{
    public const string Failed = "failed";
    public const string Replayed = "replayed";
    public const string Discarded = "discarded";

    public static readonly IReadOnlyList<string> All = [Failed, Replayed, Discarded];
}
