using Hub.Benchmarks.Ceilings;

namespace Hub.Benchmarks.Reporting;

/// <summary>
/// The three raw baselines. The lower ceiling compares the broker with the database written the way the
/// hub writes (a resolution group per transaction); one touchpoint per transaction is there to show what batching buys.
/// Each comes with the CPU the machine spent on it, which bounds what any hub could do on the same cores.
/// </summary>
internal sealed record CeilingsResult(
    BrokerCeiling RabbitMq,
    DatabaseCeiling PostgresSingle,
    DatabaseCeiling PostgresBatched,
    PhaseCpu RabbitMqCpu,
    PhaseCpu PostgresSingleCpu,
    PhaseCpu PostgresBatchedCpu,
    int Cores)
{
    /// <summary>The broker alone at the production latency phase's rate, measured after the hub stopped using it.</summary>
    public BrokerLatency? RabbitMqAtHubLatencyRate { get; init; }

    public double LowerPerSecond => Math.Min(RabbitMq.MessagesPerSecond, PostgresBatched.TouchpointsPerSecond);

    public string LowerName => RabbitMq.MessagesPerSecond <= PostgresBatched.TouchpointsPerSecond ? "RabbitMQ" : $"PostgreSQL ({PostgresBatched.TouchpointsPerTransaction} per transaction)";

    /// <summary>CPU milliseconds the broker and its client (this harness) spent per message round trip.</summary>
    public double BrokerCpuMillisecondsPerMessage => PerUnit(RabbitMqCpu.Broker + RabbitMqCpu.Harness, RabbitMq.Messages);

    public double DatabaseCpuMillisecondsPerTouchpoint(DatabaseCeiling ceiling, PhaseCpu cpu) => PerUnit(cpu.Database + cpu.Harness, ceiling.Touchpoints);

    /// <summary>
    /// What the machine's cores could do at most if a touchpoint cost nothing but one broker round trip (the webhook's
    /// message, confirmed before the answer) and one touchpoint of a batched database write, each at the CPU cost the
    /// baselines measured: no HTTP, no signature check, no resolution logic, no sync-back, no load generator.
    /// </summary>
    public double? BareMinimumPerSecond => BareMinimumMilliseconds > 0 ? Cores * 1000.0 / BareMinimumMilliseconds : null;

    /// <summary>
    /// CPU milliseconds per touchpoint that the cores have left at <paramref name="share"/> of the lower ceiling once the
    /// bare minimum is paid: everything else (HTTP, signature check, resolution, sync-back, the load generator) must fit.
    /// </summary>
    public double? BudgetLeftMilliseconds(double share) =>
        BareMinimumMilliseconds > 0 && LowerPerSecond > 0 ? Cores * 1000.0 / (share * LowerPerSecond) - BareMinimumMilliseconds : null;

    /// <summary>CPU milliseconds of one broker round trip plus one touchpoint of the batched write.</summary>
    private double BareMinimumMilliseconds =>
        BrokerCpuMillisecondsPerMessage + DatabaseCpuMillisecondsPerTouchpoint(PostgresBatched, PostgresBatchedCpu);

    private static double PerUnit(double cpuSeconds, long units) => units > 0 ? cpuSeconds * 1000.0 / units : 0;
}
