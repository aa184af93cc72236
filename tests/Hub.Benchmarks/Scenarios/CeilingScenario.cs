using System.Diagnostics;
using Hub.Benchmarks.Ceilings;
using Hub.Benchmarks.Hosting;
using Hub.Benchmarks.Measurement;
using Hub.Benchmarks.Reporting;
using Npgsql;

namespace Hub.Benchmarks.Scenarios;

/// <summary>The raw ceilings, measured on the run's own broker and database right before the hub uses them.</summary>
internal static class CeilingScenario
{
    /// <summary>The hub's resolution consumer prefetches this many messages (two batches of 250).</summary>
    private const int HubPrefetch = 500;
    private const int HubBatchSize = 250;
    private const string ScratchDatabase = "ceiling";

    public static async Task<CeilingsResult> RunAsync(BenchmarkServers servers, BenchmarkOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        log($"ceilings: RabbitMQ, {options.Concurrency} confirming publishers, {options.Hubs} consumer(s) with prefetch {HubPrefetch}, {options.MessageBytes} B messages, {options.CeilingDuration.TotalSeconds:0} s");
        var (broker, brokerCpu) = await Timed(() => RabbitMqCeiling.MeasureAsync(
            servers.Broker.AmqpUri, options.Concurrency, options.Hubs, HubPrefetch, options.MessageBytes, options.CeilingDuration, cancellationToken));
        log($"ceilings:   {broker.MessagesPerSecond:0} messages/s");

        var connectionString = await servers.Postgres.CreateDatabaseAsync(ScratchDatabase, cancellationToken);
        await PostgresCeiling.PrepareAsync(connectionString, cancellationToken);
        var connections = options.EffectiveDatabaseConcurrency;
        log($"ceilings: PostgreSQL, {connections} connection(s), 1 touchpoint per transaction, {options.CeilingDuration.TotalSeconds:0} s");
        var (single, singleCpu) = await Timed(() => PostgresCeiling.MeasureAsync(
            connectionString, connections, 1, options.Customers, options.Overlap, options.MessageBytes, options.CeilingDuration, cancellationToken));
        log($"ceilings:   {single.TouchpointsPerSecond:0} touchpoints/s");
        log($"ceilings: PostgreSQL, {connections} connection(s), {HubBatchSize} touchpoints per transaction, {options.CeilingDuration.TotalSeconds:0} s");
        var (batched, batchedCpu) = await Timed(() => PostgresCeiling.MeasureAsync(
            connectionString, connections, HubBatchSize, options.Customers, options.Overlap, options.MessageBytes, options.CeilingDuration, cancellationToken));
        log($"ceilings:   {batched.TouchpointsPerSecond:0} touchpoints/s");

        // The scratch tables would otherwise share the buffer cache and checkpoints with the hub's database.
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(servers.Postgres.ConnectionString()))
        {
            await admin.OpenAsync(cancellationToken);
            await using var drop = new NpgsqlCommand($"drop database {ScratchDatabase} with (force)", admin);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        return new CeilingsResult(broker, single, batched, brokerCpu, singleCpu, batchedCpu, Environment.ProcessorCount);
    }

    /// <summary>The broker alone, paced as the hub's latency phase was: the floor under the hub's ingress latency.</summary>
    public static async Task<BrokerLatency?> BrokerLatencyAsync(BenchmarkServers servers, BenchmarkOptions options, double perSecond, Action<string> log, CancellationToken cancellationToken)
    {
        if (perSecond <= 0)
        {
            return null;
        }
        log($"ceilings: RabbitMQ alone at the latency phase's {perSecond:0}/s, publish -> confirm, {options.PacedDuration.TotalSeconds:0} s");
        var latency = await RabbitMqCeiling.MeasureConfirmLatencyAsync(servers.Broker.AmqpUri, perSecond, options.MessageBytes, options.PacedDuration, cancellationToken);
        if (latency.Confirm is { } confirm)
        {
            log($"ceilings:   confirm p50 {confirm.P50:0.0} ms, p99 {confirm.P99:0.0} ms");
        }
        return latency;
    }

    /// <summary>A baseline and the CPU the machine spent on it: the broker or the database, and this harness as their client.</summary>
    private static async Task<(T Result, PhaseCpu Cpu)> Timed<T>(Func<Task<T>> measure)
    {
        var before = CpuUsage.Snapshot([]);
        var started = Stopwatch.GetTimestamp();
        var result = await measure();
        var used = CpuUsage.Snapshot([]) - before;
        return (result, PhaseCpu.From(used, Stopwatch.GetElapsedTime(started).TotalSeconds, []));
    }
}
