namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Where one polling source stands, and which hub process may poll it now: the owner holds a lease that it
/// renews while it runs; when the process dies the lease runs out and another process takes the source over.
/// </summary>
public sealed class SourceCheckpointRow
{
    public required string ConnectorInstanceId { get; set; }

    /// <summary>The source's own position (an X since_id, an IMAP UIDVALIDITY and UID), stored after what it covers is durable.</summary>
    public string? Checkpoint { get; set; }

    public string? Owner { get; set; }

    public DateTimeOffset LeaseUntil { get; set; }

    /// <summary>Not before this: the source's own rate limit or poll interval, respected by whichever process polls next.</summary>
    public DateTimeOffset NextPollAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
