using Hub.Contracts.Customers;
using Hub.Benchmarks.Ceilings;
using Hub.Benchmarks.Hosting;
using Hub.Benchmarks.Measurement;
using Hub.Benchmarks.Reporting;
using Hub.Benchmarks.Workload;

namespace Hub.Benchmarks.Scenarios;

/// <summary>N hub processes on the run's RabbitMQ and PostgreSQL, configured as the integration tests' ProductionHub.</summary>
internal static class ProductionScenario
{
    /// <summary>
    /// The hub's sync queues, hub-sync-&lt;instance&gt;, one per sync target instance: for the webhooks connector, an
    /// instance with a target URL. The inbound-only instances are listed too, in case a hub version declares theirs.
    /// </summary>
    private static readonly string[] SyncQueues = [.. InboundInstances.All.Append(InboundInstances.SyncTarget).Select(i => "hub-sync-" + i)];

    public static async Task<ModeResult> RunAsync(BenchmarkServers servers, BenchmarkOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        using var target = SyncTarget.Start();
        var database = await servers.Postgres.CreateDatabaseAsync(options.DatabaseName, cancellationToken);
        var settings = InboundInstances.Settings(target.Url);
        foreach (var (name, value) in options.HubSettings)
        {
            settings[name] = value;
        }
        settings["Hub:Database:Provider"] = "PostgreSql";
        settings["Hub:Database:ConnectionString"] = database;
        settings["Hub:Bus:Transport"] = "RabbitMq";
        settings["Hub:Bus:RabbitMqUri"] = servers.Broker.AmqpUri.ToString();
        settings["Hub:Ingress:BrokerTimeout"] = "00:00:03";

        log($"production: starting {options.Hubs} hub process(es)");
        await using var fleet = await HubFleet.StartAsync(options.Hubs, settings, cancellationToken);
        var timeline = new PostgresTimeline(database);
        var run = new HubRun("production", fleet, timeline, target, options, PurgeSyncQueueAsync, log, (duration, token) =>
            RabbitMqCeiling.MeasureConfirmLatencyAsync(servers.Broker.AmqpUri, PacedPhaseResult.BrokerProbePerSecond, options.MessageBytes, duration, token));
        var result = await run.RunAsync(cancellationToken);
        return result with { Database = await DatabaseActivity.ReadAsync(database, timeline.Queries, cancellationToken) };

        async Task<string> PurgeSyncQueueAsync(SyncResult sync, CancellationToken token)
        {
            var (outboxRows, queued, queues) = await ProductionSyncBacklog.DropAsync(database, servers.Broker.AmqpUri, SyncQueues, token);
            return $"dropped: {outboxRows} unsent outbox rows, {queued} messages (groups of up to {CustomerUpdateGroup.MaxChanges} changes) in {queues} sync queue(s)";
        }
    }
}
