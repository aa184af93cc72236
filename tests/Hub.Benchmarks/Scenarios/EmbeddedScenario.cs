using Hub.Benchmarks.Hosting;
using Hub.Benchmarks.Measurement;
using Hub.Benchmarks.Reporting;
using Hub.Benchmarks.Workload;

namespace Hub.Benchmarks.Scenarios;

/// <summary>One hub process in its default mode: SQLite file under its working directory, in-memory bus.</summary>
internal static class EmbeddedScenario
{
    public static async Task<ModeResult> RunAsync(BenchmarkOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        using var target = SyncTarget.Start();
        log("embedded: starting the hub");
        var settings = InboundInstances.Settings(target.Url);
        foreach (var (name, value) in options.HubSettings)
        {
            settings[name] = value;
        }
        await using var fleet = await HubFleet.StartAsync(1, settings, cancellationToken);
        var timeline = new SqliteTimeline(Path.Combine(fleet.FirstDirectory, "data", "hub.db"));
        var run = new HubRun("embedded", fleet, timeline, target, options, Describe, log);
        return await run.RunAsync(cancellationToken);

        // The in-memory bus holds the backlog; it cannot be purged, and a restart would leave the JIT cold. How much it
        // held shows in the deliveries waited out after this (announced minus delivered also counts the warm-up's).
        static Task<string> Describe(SyncResult sync, CancellationToken token) =>
            Task.FromResult("kept (in memory, cannot be dropped)");
    }
}
