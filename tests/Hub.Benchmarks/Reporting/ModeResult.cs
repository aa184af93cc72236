using Hub.Benchmarks.Ceilings;
using Hub.Benchmarks.Measurement;
using Hub.Testing.Servers;

namespace Hub.Benchmarks.Reporting;

/// <summary>CPU seconds spent during a phase, by who spent them.</summary>
internal sealed record PhaseCpu(double WallSeconds, double Hubs, IReadOnlyList<double> PerHub, double Broker, double Database, double Harness, double Other, double Machine)
{
    public static PhaseCpu From(CpuUsage used, double wallSeconds, IReadOnlyList<int> hubProcessIds) => new(
        wallSeconds,
        used.Hubs.Values.Sum(),
        [.. hubProcessIds.Select(pid => used.Hubs.GetValueOrDefault(pid))],
        used.Broker,
        used.Database,
        used.Harness,
        used.Other,
        used.Machine);
}

/// <summary>The maximum-throughput phase: every webhook sent as fast as the request concurrency allows.</summary>
internal sealed record MaxPhaseResult(
    int Sent,
    int Accepted,
    IReadOnlyDictionary<string, int> NotAccepted,
    string? FirstError,
    double AcceptedPerSecond,
    long Committed,
    bool Complete,
    double EndToEndSeconds,
    double EndToEndPerSecond,
    string LastCommitFrom,
    LatencySummary? IngressLatency,
    LatencySummary? EndToEndLatency,
    BatchSummary? Batches,
    double HubCpuSecondsPer1k,
    IReadOnlyList<double> HubCpuSecondsPer1kByProcess,
    PhaseCpu Cpu,
    double? JitSeconds,
    int WarmUpRounds,
    double? WarmUpJitShare);

/// <summary>
/// The latency phase: webhooks at a fixed rate of half the measured end-to-end maximum, after the sync-back
/// backlog of the maximum phase was cleared (<see cref="SyncBacklog"/> says how), so it does not compete.
/// </summary>
internal sealed record PacedPhaseResult(
    double OfferedPerSecond,
    double SentPerSecond,
    int Sent,
    int Accepted,
    IReadOnlyDictionary<string, int> NotAccepted,
    int InFlightLimitHits,
    bool Complete,
    LatencySummary? IngressLatency,
    LatencySummary? EndToEndLatency,
    LatencySummary? ObservedEndToEndLatency,
    BatchSummary? Batches,
    string? SyncBacklog,
    GcActivity? Gc)
{
    /// <summary>
    /// Production: a RabbitMQ.Client publisher at <see cref="BrokerProbePerSecond"/> to a queue of its own, run beside the
    /// hub during this phase: what the broker's confirms cost on this machine under the same load, the floor under the
    /// hub's ingress latency.
    /// </summary>
    public BrokerLatency? BrokerBeside { get; init; }

    public const double BrokerProbePerSecond = 50;
}

/// <summary>Customer changes pushed to the WireMock.Net target after the maximum-throughput phase.</summary>
internal sealed record SyncResult(long Deliveries, double Seconds, double DeliveriesPerSecond, bool Drained, IReadOnlyDictionary<string, long> Announced, long UnsentOutboxRows);

/// <summary>One mode (production or embedded) end to end.</summary>
internal sealed record ModeResult(
    string Mode,
    int Hubs,
    double AverageWebhookBytes,
    double AverageTouchpointBytes,
    int CustomersIntroduced,
    double OverlapObserved,
    MaxPhaseResult Max,
    SyncResult Sync,
    PacedPhaseResult Paced,
    IReadOnlyList<long> PeakMemoryBytes)
{
    /// <summary>Per hub process at the end of the run: resident anonymous memory, mapped files, shared memory (bytes).</summary>
    public IReadOnlyList<ResidentMemory> ResidentAtEnd { get; init; } = [];

    /// <summary>Calls that joined a split customer's two halves (<c>--split-share</c>), each one merge, over the whole run.</summary>
    public int SplitsJoined { get; init; }

    /// <summary>Calls that named two customers merge protection keeps apart (<c>--contested-share</c>), over the whole run.</summary>
    public int Contested { get; init; }

    /// <summary>Production only: the database's statistics over the whole run.</summary>
    public DatabaseActivity? Database { get; init; }
}
