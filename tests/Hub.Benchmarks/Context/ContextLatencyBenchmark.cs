using System.Diagnostics;
using Hub.Benchmarks.Measurement;
using Hub.Benchmarks.Resolution;
using Hub.Infrastructure.Persistence;
using Hub.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Benchmarks.Context;

/// <summary>
/// What the agent's screen pop costs: <c>GET /api/context</c> and <c>/api/context/twiml</c> against a hub process on
/// PostgreSQL holding many customers, each with a timeline across channels (and an open case for one in ten),
/// measured from the client, one request at a time (latency) and eight at a time (throughput), at two sizes.
/// </summary>
internal static class ContextLatencyBenchmark
{
    private static readonly string[] Channels = ["phone", "sms", "email", "social", "crm", "web"];

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var small = Option(args, "--small", 10_000);
        var large = Option(args, "--large", 100_000);
        var entries = Option(args, "--entries", 10);
        var requests = Option(args, "--requests", 2_000);
        await using var postgres = await PostgresServer.StartAsync(cancellationToken);
        var database = await postgres.CreateDatabaseAsync("context", cancellationToken);
        await using (var db = new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(database).Options))
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        var rows = new List<string>();
        var stored = 0;
        foreach (var size in new[] { small, large })
        {
            var seeding = Stopwatch.StartNew();
            await CustomerSeeder.SeedAsync(database, stored, size, cancellationToken);
            await SeedTimelineAsync(database, stored, size, entries, cancellationToken);
            Console.WriteLine($"Seeded customers {stored:N0}..{size:N0} with {entries} timeline entries each in {seeding.Elapsed.TotalSeconds:F1} s.");
            stored = size;
            rows.AddRange(await MeasureAsync(database, stored, entries, requests, cancellationToken));
        }
        Console.WriteLine();
        Console.WriteLine($"{"endpoint",-22} | {"customers",10} | {"timeline rows",13} | {"p50 ms",7} | {"p95 ms",7} | {"p99 ms",7} | {"max ms",7} | {"req/s x8",8}");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static async Task<List<string>> MeasureAsync(string database, int customers, int entries, int requests, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("hub-context-bench-").FullName;
        try
        {
            await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
            {
                ["Hub:Database:Provider"] = "PostgreSql",
                ["Hub:Database:ConnectionString"] = database,
                ["Hub:Bus:Transport"] = "InMemory",
            }, directory);
            var rows = new List<string>();
            foreach (var endpoint in new[] { "api/context?email=", "api/context/twiml?phone=" })
            {
                await TimeAsync(hub.Client, endpoint, customers, requests / 10, parallel: 1, cancellationToken);
                var (latency, _) = await TimeAsync(hub.Client, endpoint, customers, requests, parallel: 1, cancellationToken);
                var (_, throughput) = await TimeAsync(hub.Client, endpoint, customers, requests, parallel: 8, cancellationToken);
                var name = endpoint.Split('?')[0];
                rows.Add($"{name,-22} | {customers,10:N0} | {customers * entries,13:N0} | {latency.P50,7:F2} | {latency.P95,7:F2} | {latency.P99,7:F2} | {latency.Max,7:F2} | {throughput,8:F0}");
            }
            return rows;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(LatencySummary Latency, double PerSecond)> TimeAsync(
        HttpClient client, string endpoint, int customers, int requests, int parallel, CancellationToken cancellationToken)
    {
        var random = new Random(customers + requests + parallel);
        var subjects = Enumerable.Range(0, requests).Select(_ => random.Next(customers)).ToArray();
        var latencies = new double[requests];
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var n = subjects[i];
            var subject = endpoint.Contains("email", StringComparison.Ordinal) ? Uri.EscapeDataString(CustomerSeeder.Email(n)) : Uri.EscapeDataString(Phone(n));
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(new Uri(endpoint + subject, UriKind.Relative), token);
            await response.Content.ReadAsByteArrayAsync(token);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{endpoint}{subject} answered {(int)response.StatusCode}.");
            }
        });
        return (LatencySummary.Of(latencies)!, requests / clock.Elapsed.TotalSeconds);
    }

    private static string Phone(int n) => $"+1202{2_000_000 + n:D7}";

    /// <summary>A phone identifier and <paramref name="entries"/> touchpoints per customer, across channels; every tenth has an open case.</summary>
    private static async Task SeedTimelineAsync(string database, int from, int to, int entries, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await using (var identifiers = await connection.BeginBinaryImportAsync(
            "COPY customer_identifiers (\"Type\", \"Value\", \"CustomerId\", \"LinkedAt\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var n = from; n < to; n++)
            {
                await identifiers.StartRowAsync(cancellationToken);
                await identifiers.WriteAsync("phone", NpgsqlDbType.Varchar, cancellationToken);
                await identifiers.WriteAsync(Phone(n), NpgsqlDbType.Varchar, cancellationToken);
                await identifiers.WriteAsync(CustomerSeeder.Id(n), NpgsqlDbType.Uuid, cancellationToken);
                await identifiers.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await identifiers.CompleteAsync(cancellationToken);
        }
        await CopyTimelineAsync(connection, from, to, entries, at, cancellationToken);
        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task CopyTimelineAsync(NpgsqlConnection connection, int from, int to, int entries, DateTime at, CancellationToken cancellationToken)
    {
        await using var timeline = await connection.BeginBinaryImportAsync(
            "COPY timeline (\"TouchpointId\", \"CustomerId\", \"ConnectorInstanceId\", \"SourceEventId\", \"Channel\", \"Type\", \"Direction\", \"OccurredAt\", \"ReceivedAt\", \"RecordedAt\", \"Summary\", \"ContentReference\", \"Body\") FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        for (var n = from; n < to; n++)
        {
            for (var e = 0; e < entries; e++)
            {
                var openCase = n % 10 == 0 && e == 0;
                var channel = openCase ? "crm" : Channels[(n + e) % Channels.Length];
                var when = at.AddMinutes(n % 1_000 + e * 60);
                await timeline.StartRowAsync(cancellationToken);
                await timeline.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, cancellationToken);
                await timeline.WriteAsync(CustomerSeeder.Id(n), NpgsqlDbType.Uuid, cancellationToken);
                await timeline.WriteAsync("seed", NpgsqlDbType.Varchar, cancellationToken);
                await timeline.WriteAsync($"c{n}-{e}", NpgsqlDbType.Varchar, cancellationToken);
                await timeline.WriteAsync(channel, NpgsqlDbType.Varchar, cancellationToken);
                await timeline.WriteAsync(openCase ? "crm.case.opened" : $"{channel}.received", NpgsqlDbType.Varchar, cancellationToken);
                await timeline.WriteAsync("Inbound", NpgsqlDbType.Varchar, cancellationToken);
                await timeline.WriteAsync(when, NpgsqlDbType.TimestampTz, cancellationToken);
                await timeline.WriteAsync(when, NpgsqlDbType.TimestampTz, cancellationToken);
                await timeline.WriteAsync(when, NpgsqlDbType.TimestampTz, cancellationToken);
                await timeline.WriteAsync(openCase ? "Case opened: late delivery" : "A message about an order", NpgsqlDbType.Text, cancellationToken);
                await timeline.WriteAsync(openCase ? $"https://acme.my.salesforce.com/case{n}" : (object)DBNull.Value, NpgsqlDbType.Text, cancellationToken);
                await timeline.WriteAsync("{}", NpgsqlDbType.Text, cancellationToken);
            }
        }
        await timeline.CompleteAsync(cancellationToken);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
    }
}
