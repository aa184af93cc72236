using System.Net;
using System.Text;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Npgsql;

namespace Hub.Integration.Tests.Identity;

/// <summary>Two hub processes on one broker and one database give exactly the result of one process.</summary>
[Collection(RunsAlone.Name)]
public sealed class MultiProcessResolutionTests
{
    private const int Touchpoints = 20_000;
    private const int People = 2_000;
    private const int CallsPerWebhook = 50;

    [Fact]
    public async Task Two_hub_processes_resolve_twenty_thousand_overlapping_touchpoints_exactly_as_one_process_does()
    {
        var stream = Stream();

        var shuffled = stream.ToArray();
        new Random(7).Shuffle(shuffled);
        // Side by side: each run alone leaves the cores idle between its batches, and together they took 1 min 37 s
        // instead of 2 min 36 s. The class runs alone, after the other test classes of this project.
        var runs = await Task.WhenAll(RunAsync("single", processes: 1, stream), RunAsync("twin", processes: 2, shuffled));
        var (single, twin) = (runs[0], runs[1]);
        Assert.True(single == twin, Difference(single, twin));
        Assert.True(single.Split('\n').Length > People / 4, "the stream should leave many customers");
    }

    /// <summary>Each run on a fresh database and virtual host: nothing of the other run in its tables or queues.</summary>
    private static async Task<string> RunAsync(string name, int processes, string[] calls)
    {
        var database = await SharedServers.NewDatabaseAsync(name);
        var broker = await SharedServers.NewVirtualHostAsync(name);
        var directory = Directory.CreateTempSubdirectory("hub-multi-").FullName;
        var hubs = new List<HubProcess>();
        try
        {
            for (var i = 0; i < processes; i++)
            {
                hubs.Add(await HubProcess.StartAsync(new Dictionary<string, string>
                {
                    ["Hub:Database:Provider"] = "PostgreSql",
                    ["Hub:Database:ConnectionString"] = database,
                    ["Hub:Bus:Transport"] = "RabbitMq",
                    ["Hub:Bus:RabbitMqUri"] = broker.ToString(),
                    ["Hub:Connectors:crm1:Kind"] = "webhooks",
                    ["Hub:Connectors:crm1:Secret"] = SignedWebhookSender.ExampleSecret,
                }, directory));
            }
            var senders = hubs.Select(h => new SignedWebhookSender(h.Client, "crm1", SignedWebhookSender.ExampleSecret)).ToList();
            var webhooks = calls.Chunk(CallsPerWebhook).Select((chunk, i) => (Body: $"{{\"batch\":[{string.Join(",", chunk)}]}}", Sender: senders[i % senders.Count])).ToList();
            await Parallel.ForEachAsync(webhooks, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (webhook, _) =>
            {
                using var response = await webhook.Sender.SendAsync(webhook.Body);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            });
            await WaitForTimelineAsync(database);
            return await ShapeAsync(database);
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// People with an e-mail, a phone and a CRM user id, seen through touchpoints carrying one or two of them
    /// (so customers merge), and in 2 % with another person's e-mail (so merge protection refuses).
    /// </summary>
    private static string[] Stream()
    {
        var random = new Random(20_000);
        var calls = new string[Touchpoints];
        for (var n = 0; n < Touchpoints; n++)
        {
            var person = random.Next(People);
            var traits = new List<string> { $"\"name\":\"Person {person} v{random.Next(3)}\"" };
            string? user = null;
            switch (random.Next(100))
            {
                case < 16: traits.Add($"\"email\":\"p{person}@multi.example\""); break;
                case < 32: traits.Add($"\"phone\":\"+1201{5550000 + person}\""); break;
                case < 48: user = $"u{person}"; break;
                case < 70: traits.Add($"\"email\":\"p{person}@multi.example\""); traits.Add($"\"phone\":\"+1201{5550000 + person}\""); break;
                case < 98: user = $"u{person}"; traits.Add($"\"email\":\"p{person}@multi.example\""); break;
                default: user = $"u{person}"; traits.Add($"\"email\":\"p{random.Next(People)}@multi.example\""); break;
            }
            var userId = user is null ? "\"anonymousId\":\"a\"" : $"\"userId\":\"{user}\"";
            calls[n] = $"{{\"type\":\"identify\",\"messageId\":\"mp-{n}\",{userId},\"traits\":{{{string.Join(",", traits)}}},\"timestamp\":\"{new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(86_400)):O}\"}}";
        }
        return calls;
    }

    /// <summary>Waits while the timeline grows; fails only when it stops growing short of the stream (a slow machine is not a failure).</summary>
    private static async Task WaitForTimelineAsync(string database)
    {
        var stall = TimeSpan.FromSeconds(90);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        long count = 0;
        var lastProgress = DateTime.UtcNow;
        while (count < Touchpoints && DateTime.UtcNow - lastProgress < stall)
        {
            await Task.Delay(500);
            await using var command = new NpgsqlCommand("select count(*) from timeline", connection);
            var now = (long)(await command.ExecuteScalarAsync())!;
            if (now > count)
            {
                (count, lastProgress) = (now, DateTime.UtcNow);
            }
        }
        Assert.Equal(Touchpoints, count);
    }

    /// <summary>Every customer as its identifiers, fields and timeline, in an order that does not depend on ids.</summary>
    private static async Task<string> ShapeAsync(string database)
    {
        const string Sql = """
            with identifiers as (
              select "CustomerId", string_agg("Type" || ':' || "Value", ',' order by "Type", "Value") as list from customer_identifiers group by "CustomerId"),
            fields as (
              select "CustomerId", string_agg("Name" || '=' || "Value", ',' order by "Name") as list from customer_fields group by "CustomerId"),
            entries as (
              select "CustomerId", string_agg("SourceEventId", ',' order by "SourceEventId") as list from timeline group by "CustomerId")
            select i.list || ' | ' || coalesce(f.list, '') || ' | ' || e.list
            from customers c
            left join identifiers i on i."CustomerId" = c."Id"
            left join fields f on f."CustomerId" = c."Id"
            left join entries e on e."CustomerId" = c."Id"
            where c."MergedIntoId" is null
            order by 1
            """;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var shape = new StringBuilder();
        while (await reader.ReadAsync())
        {
            shape.Append(reader.IsDBNull(0) ? "(empty)" : reader.GetString(0)).Append('\n');
        }
        return shape.ToString();
    }

    private static string Difference(string expected, string actual)
    {
        var a = expected.Split('\n').ToHashSet();
        var b = actual.Split('\n').ToHashSet();
        return $"Only with one process:\n{string.Join('\n', a.Except(b).Take(5))}\nOnly with two:\n{string.Join('\n', b.Except(a).Take(5))}";
    }
}
