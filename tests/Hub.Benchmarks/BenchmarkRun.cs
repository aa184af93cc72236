using System.Diagnostics;
using System.Globalization;
using Hub.Benchmarks.Hosting;
using Hub.Benchmarks.Reporting;
using Hub.Benchmarks.Scenarios;

namespace Hub.Benchmarks;

/// <summary>One run: the raw ceilings and production mode on one pair of throwaway servers, then embedded mode.</summary>
internal static class BenchmarkRun
{
    public static async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, string[] args, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var elapsed = Stopwatch.StartNew();
        var machine = MachineInfo.Read();
        var source = SourceState.Read();
        void Log(string line) => Console.Error.WriteLine($"[{elapsed.Elapsed.TotalSeconds,6:0.0}s] {line}");
        Log($"machine: {machine.Cores} cores, {machine.CpuModel}, load average {machine.LoadAverage}");

        CeilingsResult? ceilings = null;
        ModeResult? production = null;
        if (options.Production)
        {
            Log("starting RabbitMQ and PostgreSQL");
            await using var servers = await BenchmarkServers.StartAsync(cancellationToken);
            ceilings = await CeilingScenario.RunAsync(servers, options, Log, cancellationToken);
            production = await ProductionScenario.RunAsync(servers, options, Log, cancellationToken);
            ceilings = ceilings with
            {
                RabbitMqAtHubLatencyRate = await CeilingScenario.BrokerLatencyAsync(servers, options, production.Paced.OfferedPerSecond, Log, cancellationToken),
            };
            Log("stopping RabbitMQ and PostgreSQL");
        }
        var embedded = options.Embedded ? await EmbeddedScenario.RunAsync(options, Log, cancellationToken) : null;

        var loadAfter = MachineInfo.LoadAverageNow();
        return new BenchmarkReport(
            startedAt,
            elapsed.Elapsed.TotalSeconds,
            "dotnet run -c Release --project tests/Hub.Benchmarks" + (args.Length > 0 ? " -- " + string.Join(' ', args) : ""),
            source,
            machine,
            loadAfter,
            options,
            ceilings,
            production,
            embedded,
            Goals.Evaluate(ceilings, production, embedded),
            Notes(machine, source, loadAfter, production, embedded));
    }

    private static List<string> Notes(MachineInfo machine, SourceState source, string loadAfter, ModeResult? production, ModeResult? embedded)
    {
        var notes = new List<string> { $"load average (1/5/15 min) before: {machine.LoadAverage}, after: {loadAfter}" };
        if (source.UncommittedProductFiles.Count > 0)
        {
            notes.Add($"measured commit {source.Commit} with {source.UncommittedProductFiles.Count} uncommitted product file(s) in src/ or connectors/ (listed in the JSON).");
        }
        foreach (var mode in new[] { production, embedded }.OfType<ModeResult>())
        {
            var cpu = mode.Max.Cpu;
            if (cpu.WallSeconds > 0 && cpu.Other / cpu.WallSeconds > 0.1)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{mode.Mode}: processes not started by this run used {cpu.Other / cpu.WallSeconds:0.00} cores on average during the maximum-throughput phase: the machine was shared."));
            }
            if (mode.Paced.EndToEndLatency is null)
            {
                notes.Add($"{mode.Mode}: the timeline has no RecordedAt column; end-to-end latency is only the one seen from outside (polling).");
            }
            if (mode.Paced.InFlightLimitHits > 0)
            {
                notes.Add($"{mode.Mode}: the latency phase hit its in-flight cap {mode.Paced.InFlightLimitHits} times; the offered load was not fully met.");
            }
            if (!mode.Max.Complete || !mode.Paced.Complete)
            {
                notes.Add($"{mode.Mode}: not every accepted touchpoint reached the timeline within the wait (it stopped growing for 30 s).");
            }
        }
        return notes;
    }
}
