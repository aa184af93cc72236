using System.ComponentModel.DataAnnotations.Schema;

namespace Hub.Infrastructure.Persistence;

/// <summary>A message written in the same transaction as the change it announces; the relay publishes it.</summary>
public sealed class OutboxMessageRow
{
    public long Id { get; set; }

    public required string MessageType { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Which relay claimed the row (a fresh token per claim).</summary>
    public Guid? ClaimToken { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The W3C <c>traceparent</c> of the span that wrote the row: the relay publishes it in that trace.</summary>
    public string? TraceParent { get; set; }

    /// <summary>
    /// The message <see cref="Body"/> was written from, while the process that wrote the row still has it; not stored.
    /// The relay publishes a row its own process handed over from this, without reading the body back.
    /// </summary>
    [NotMapped]
    internal object? Message { get; set; }
}
