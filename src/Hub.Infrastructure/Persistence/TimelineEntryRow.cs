namespace Hub.Infrastructure.Persistence;

/// <summary>One touchpoint on a customer's timeline. The key is the deterministic touchpoint id, so a re-sent event changes nothing.</summary>
public sealed class TimelineEntryRow
{
    public Guid TouchpointId { get; set; }

    /// <summary>Null when the touchpoint carried no usable identifier (kept, never dropped).</summary>
    public Guid? CustomerId { get; set; }

    public required string ConnectorInstanceId { get; set; }

    public required string SourceEventId { get; set; }

    public required string Channel { get; set; }

    public required string Type { get; set; }

    public required string Direction { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>When the resolution transaction stored it (ReceivedAt to RecordedAt is the hub's end-to-end latency).</summary>
    public DateTimeOffset RecordedAt { get; set; }

    public string? Summary { get; set; }

    public string? ContentReference { get; set; }

    /// <summary>The whole canonical touchpoint as JSON.</summary>
    public required string Body { get; set; }

    /// <summary>The touchpoint this one withdraws (see <see cref="Hub.Contracts.Touchpoints.TouchpointReceived.WithdrawsTouchpointId"/>).</summary>
    public Guid? WithdrawsTouchpointId { get; set; }

    /// <summary>The source withdrew this touchpoint's content: summary, content reference and their copy in the body are gone.</summary>
    public bool Withdrawn { get; set; }
}
