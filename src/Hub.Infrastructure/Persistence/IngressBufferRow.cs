namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Embedded mode only: a touchpoint stored before the webhook is answered, because the in-memory bus
/// forgets on a crash. The resolution consumer deletes the row in the transaction that applies it.
/// </summary>
public sealed class IngressBufferRow
{
    public Guid TouchpointId { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }
}
