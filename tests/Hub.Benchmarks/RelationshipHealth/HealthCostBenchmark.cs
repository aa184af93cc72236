using System.Globalization;
using Hub.Benchmarks.Hosting;
using Hub.Benchmarks.Reporting;
using Hub.Benchmarks.Scenarios;

namespace Hub.Benchmarks.RelationshipHealth;

/// <summary>
/// What keeping relationship health costs end to end: production mode (the webhook workload of the main run, on one
/// RabbitMQ and PostgreSQL) with <c>Hub:RelationshipHealth:Enabled</c> false and true, back to back, alternating
/// which goes first each round so a machine that gets busier or quieter over time does not favour one of them.
/// </summary>
internal static class HealthCostBenchmark
{
    private const string Switch = "Hub:RelationshipHealth:Enabled";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var rounds = 1;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var r) && r >= 1)
            {
                rounds = r;
                i++;
            }
            else
            {
                rest.Add(args[i]);
            }
        }
        var options = BenchmarkOptions.Parse([.. rest], out var error);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            return 2;
        }
        void Log(string line) => Console.Error.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {line}");
        Log($"machine: {MachineInfo.Read().Cores} cores, load average {MachineInfo.Read().LoadAverage}");
        await using var servers = await BenchmarkServers.StartAsync(cancellationToken);
        var results = new List<(bool Health, ModeResult Result)>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var health in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                Log($"round {round + 1}: relationship health {(health ? "on" : "off")}");
                var variant = options with
                {
                    HubSettings = new Dictionary<string, string> { [Switch] = health ? "true" : "false" },
                    DatabaseName = $"hub_{round}_{(health ? "on" : "off")}",
                };
                results.Add((health, await ProductionScenario.RunAsync(servers, variant, Log, cancellationToken)));
            }
        }

        Console.WriteLine($"| health | end-to-end touchpoints/s | hub CPU s per 1k | paced end-to-end p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (health, result) in results)
        {
            var paced = result.Paced.EndToEndLatency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(health ? "on" : "off")} | {result.Max.EndToEndPerSecond:0.0} | {result.Max.HubCpuSecondsPer1k:0.00} | {paced?.P50:0} | {paced?.P95:0} |"));
        }
        var on = results.Where(r => r.Health).Average(r => r.Result.Max.EndToEndPerSecond);
        var off = results.Where(r => !r.Health).Average(r => r.Result.Max.EndToEndPerSecond);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Throughput with health / without: {on:0.0} / {off:0.0} = {on / off:0.000}; cost {(1 - on / off) * 100:0.0} % (goal: under 10 %). Load average now {MachineInfo.LoadAverageNow()}."));
        return 0;
    }
}
