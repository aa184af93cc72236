namespace Hub.Benchmarks.Measurement;

/// <summary>Read-only view of the hub's timeline and outbox tables, for counting and timing what was committed.</summary>
internal interface ITimeline
{
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Whether the timeline has the RecordedAt column (when the resolution transaction stored the entry).</summary>
    Task<bool> HasRecordedAtAsync(CancellationToken cancellationToken);

    /// <summary>ReceivedAt and RecordedAt of every entry whose source event id starts with <paramref name="prefix"/>.</summary>
    Task<IReadOnlyList<(DateTimeOffset ReceivedAt, DateTimeOffset RecordedAt)>> StampsAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="touchpointIds"/> that are on the timeline now.</summary>
    Task<IReadOnlyCollection<Guid>> FindAsync(IReadOnlyCollection<Guid> touchpointIds, CancellationToken cancellationToken);

    /// <summary>Average size of the stored canonical touchpoint (the TouchpointReceived JSON) in bytes.</summary>
    Task<double> AverageTouchpointBytesAsync(CancellationToken cancellationToken);

    /// <summary>Outbox rows the relay has not published yet.</summary>
    Task<long> UnsentOutboxAsync(CancellationToken cancellationToken);

    /// <summary>Outbox rows by message type: the customer changes the hub announced.</summary>
    Task<IReadOnlyDictionary<string, long>> OutboxByTypeAsync(CancellationToken cancellationToken);
}
