using System.Diagnostics;
using Hub.Benchmarks.Measurement;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Hub.Benchmarks.Resolution;

/// <summary>
/// What one touchpoint costs the resolver, at a small and at a large number of stored customers, on a
/// real PostgreSQL: the hub's own resolver and event writer, in groups of 250 per transaction as the
/// consumer runs them, without broker or HTTP. Three quarters of the touchpoints belong to stored customers.
/// </summary>
internal static class ResolutionCostBenchmark
{
    private const int BatchSize = 250;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var small = Option(args, "--small", 10_000);
        var large = Option(args, "--large", 1_000_000);
        var touchpoints = Option(args, "--touchpoints", 5_000);
        await using var postgres = await PostgresServer.StartAsync(cancellationToken);
        var database = await postgres.CreateDatabaseAsync("resolution", cancellationToken);
        await using (var db = Open(database))
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        var results = new List<(int Customers, double MillisecondsPerTouchpoint, double CpuMillisecondsPerTouchpoint, double DatabaseCpuMillisecondsPerTouchpoint)>();
        var stored = 0;
        var next = 0;
        foreach (var size in new[] { small, large })
        {
            var seeding = Stopwatch.StartNew();
            await CustomerSeeder.SeedAsync(database, stored, size, cancellationToken);
            Console.WriteLine($"Seeded {size - stored:N0} customers in {seeding.Elapsed.TotalSeconds:F1} s (now {size:N0}).");
            stored = size;
            // The first size also pays for the JIT: a fresh process compiles its hot paths for its first ten thousand
            // or so touchpoints (docs/performance.md, "Warm-up"), which would make the small store look dearer.
            await MeasureAsync(database, stored, size == small ? touchpoints * 2 : touchpoints / 5, ref next, warmUp: true, cancellationToken);
            var (wall, cpu, databaseCpu) = await MeasureAsync(database, stored, touchpoints, ref next, warmUp: false, cancellationToken);
            results.Add((size, wall, cpu, databaseCpu));
        }

        Console.WriteLine();
        Console.WriteLine($"{"stored customers",18} | {"ms / touchpoint",16} | {"CPU ms / touchpoint",20} | {"PostgreSQL CPU ms / touchpoint",31}");
        foreach (var (customers, wall, cpu, databaseCpu) in results)
        {
            Console.WriteLine($"{customers,18:N0} | {wall,16:F3} | {cpu,20:F3} | {databaseCpu,31:F3}");
        }
        Console.WriteLine($"Cost at {large:N0} / cost at {small:N0}: {results[1].MillisecondsPerTouchpoint / results[0].MillisecondsPerTouchpoint:F2} (goal: under 1.20)");
        return 0;
    }

    private static Task<(double, double, double)> MeasureAsync(string database, int stored, int count, ref int next, bool warmUp, CancellationToken cancellationToken)
    {
        var random = new Random(stored + count);
        var start = next;
        next += count;
        var stream = Enumerable.Range(start, count).Select(n => Touchpoint(n, random.Next(4) == 0 ? -1 : random.Next(stored))).ToList();
        return RunAsync(database, stream, warmUp, cancellationToken);
    }

    private static async Task<(double, double, double)> RunAsync(string database, List<TouchpointReceived> stream, bool warmUp, CancellationToken cancellationToken)
    {
        var rules = new IdentityRules();
        var survivorship = new SurvivorshipRules();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var servers = CpuUsage.Snapshot([]);
        var clock = Stopwatch.StartNew();
        foreach (var batch in stream.Chunk(BatchSize))
        {
            await using var db = Open(database);
            // As ResolutionCommit opens it: no savepoints, one snapshot (REPEATABLE READ).
            db.Database.AutoSavepointsEnabled = false;
            await using var transaction = await db.Database.BeginCustomerGraphTransactionAsync(cancellationToken);
            var changes = await new TouchpointResolver(db, rules, survivorship, TimeProvider.System).ResolveAsync(batch, cancellationToken);
            await ResolutionEvents.WriteAsync(db, changes, DateTimeOffset.UtcNow, claim: null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        var wall = clock.Elapsed.TotalMilliseconds / stream.Count;
        var cpuPer = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / stream.Count;
        var databasePer = (CpuUsage.Snapshot([]) - servers).Database * 1000 / stream.Count;
        if (!warmUp)
        {
            Console.WriteLine($"  {stream.Count:N0} touchpoints: {wall:F3} ms each, {cpuPer:F3} CPU ms each in this process, {databasePer:F3} in PostgreSQL");
        }
        return (wall, cpuPer, databasePer);
    }

    /// <summary>A touchpoint of stored customer <paramref name="customer"/>, or of a new person when it is -1.</summary>
    private static TouchpointReceived Touchpoint(int n, int customer)
    {
        var email = customer >= 0 ? CustomerSeeder.Email(customer) : $"new{n}@bench.example";
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(n);
        return new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From("bench", $"r-{n}"),
            ConnectorInstanceId = "bench",
            SourceEventId = $"r-{n}",
            Channel = TouchpointChannels.Web,
            Type = "event.tracked",
            OccurredAt = at,
            ReceivedAt = at,
            Identities = [CustomerIdentifier.Email(email), CustomerIdentifier.Phone(customer >= 0 ? $"+1202{2_000_000 + customer:D7}" : $"+1303{2_000_000 + n:D7}")],
            ProfileFacts = new Dictionary<string, string> { ["name"] = $"Person {customer}", ["plan"] = n % 3 == 0 ? "gold" : "silver" },
            Summary = "Viewed pricing",
        };
    }

    private static PostgresHubDbContext Open(string connectionString) =>
        new(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(PersistenceExtensions.PostgresConnectionString(connectionString), o => o.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)).Options);

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
    }
}
