namespace Hub.Infrastructure.Persistence;

/// <summary>What one sync target last received of one customer: the echo check skips what it already has.</summary>
public sealed class SyncCheckpointRow
{
    public required string ConnectorInstanceId { get; set; }

    public Guid CustomerId { get; set; }

    public long DeliveredVersion { get; set; }

    public string? ExternalRecordId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Why the target last refused a change, when it did and has not taken a newer one since.</summary>
    public string? LastError { get; set; }

    public long? FailedVersion { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }
}
