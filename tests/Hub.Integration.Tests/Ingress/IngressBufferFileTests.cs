using System.Net;
using System.Text.Json;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Ingress;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Microsoft.Data.Sqlite;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Ingress;

/// <summary>
/// The embedded hub keeps its ingress buffer in a SQLite file of its own (so webhook commits never wait for a
/// resolution transaction); touchpoints an older version left in the main file's buffer table are not lost.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class IngressBufferFileTests
{
    [Fact]
    public async Task Touchpoints_left_in_the_main_file_by_an_older_version_are_moved_to_the_buffer_file_at_start_and_land()
    {
        await using var hub = await EmbeddedHub.StartAsync(new Dictionary<string, string> { ["Logging:LogLevel:Hub"] = "Information" });
        using (var response = await hub.Sender.SendAsync(SignedWebhookSender.Identify(1, 1000)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await EventuallyAsync(async () => await hub.CountAsync("timeline") == 1, "the first touchpoint on the timeline");
        Assert.True(File.Exists(hub.IngressBufferPath), "no ingress buffer file beside the main one");
        await EventuallyAsync(async () => await hub.CountAsync("ingress_buffer") == 0, "the applied touchpoint removed from the buffer file");

        var left = new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From(EmbeddedHub.InstanceId, "left-by-an-older-version"),
            ConnectorInstanceId = EmbeddedHub.InstanceId,
            SourceEventId = "left-by-an-older-version",
            Channel = TouchpointChannels.Crm,
            Type = "profile.identified",
            OccurredAt = DateTimeOffset.UtcNow.AddMinutes(-5),
            ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
            Identities = [CustomerIdentifier.Email("left@example.com")],
            ProfileFacts = new Dictionary<string, string> { ["name"] = "Left Over" },
        };
        await InsertIntoMainFileBufferAsync(hub.DatabasePath, left);

        await hub.RestartAsync();

        await EventuallyAsync(async () => (await hub.TimelineSourceEventIdsAsync(EmbeddedHub.InstanceId)).Contains(left.SourceEventId),
            "the touchpoint left in the main file on the timeline");
        Assert.Equal(0, await MainFileBufferCountAsync(hub.DatabasePath));
        Assert.Contains("Moved 1 buffered touchpoints from the main SQLite file", hub.Hub.Output, StringComparison.Ordinal);
        await EventuallyAsync(async () => await hub.CountAsync("ingress_buffer") == 0, "the moved touchpoint removed once applied");
        Assert.Equal(2, await hub.CountAsync("timeline"));
    }

    [Fact]
    public async Task Webhooks_are_taken_while_the_main_file_is_locked_up_to_the_buffer_limit_then_refused_with_503_until_resolution_catches_up()
    {
        await using var hub = await EmbeddedHub.StartAsync(new Dictionary<string, string> { ["Hub:Ingress:BufferLimit"] = "100" });
        var batches = Enumerable.Range(0, 3)
            .Select(b => $"{{\"batch\":[{string.Join(",", Enumerable.Range(b * 50, 50).Select(n => SignedWebhookSender.Identify(n, 1000)))}]}}").ToList();

        // Another writer holds the main file: resolution waits, the webhooks' own file does not.
        await using (await HoldMainFileWriteLockAsync(hub.DatabasePath))
        {
            foreach (var batch in batches.Take(2))
            {
                using var taken = await hub.Sender.SendAsync(batch);
                Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
            }
            using var refused = await hub.Sender.SendAsync(batches[2]);
            await BrokerIngressTests.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "BufferLimit");
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal(100, await hub.CountAsync("ingress_buffer"));
            Assert.Equal(0, await hub.CountAsync("timeline"));
        }

        await EventuallyAsync(async () => await hub.CountAsync("timeline") == 100, "the buffered touchpoints applied once the main file is free");
        // As a sender does after a 503: try again later.
        await EventuallyAsync(async () =>
        {
            using var retried = await hub.Sender.SendAsync(batches[2]);
            return retried.StatusCode == HttpStatusCode.OK;
        }, "the refused webhook taken once resolution caught up");
        await EventuallyAsync(async () => await hub.CountAsync("timeline") == 150, "all 150 touchpoints applied");
    }

    [Fact]
    public async Task A_burst_resolution_cannot_keep_up_with_waits_on_disk_with_a_bounded_part_on_the_bus_and_all_of_it_lands()
    {
        await using var hub = await EmbeddedHub.StartAsync();
        const int Requests = 30, PerRequest = 100;
        var batches = Enumerable.Range(0, Requests)
            .Select(b => $"{{\"batch\":[{string.Join(",", Enumerable.Range(b * PerRequest, PerRequest).Select(n => SignedWebhookSender.Identify(n, 200)))}]}}").ToList();

        // Another writer holds the main file, so resolution applies nothing while the burst comes in.
        await using (await HoldMainFileWriteLockAsync(hub.DatabasePath))
        {
            foreach (var batch in batches)
            {
                using var taken = await hub.Sender.SendAsync(batch);
                Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
            }
            var (waiting, published) = await BufferAttemptsAsync(hub.IngressBufferPath);
            Assert.Equal(Requests * PerRequest, waiting + published);
            // In memory: the bus's bound, plus at most the one ingress commit that found the bus empty.
            Assert.InRange(published, 1, IngressBacklog.MaxOnBus + BufferedTouchpointIngress.MaxTouchpointsPerCommit);
        }

        await EventuallyAsync(async () => await hub.CountAsync("timeline") == Requests * PerRequest, "every touchpoint of the burst applied");
        await EventuallyAsync(async () => await hub.CountAsync("ingress_buffer") == 0, "the buffer file emptied");
    }

    /// <summary>A connection holding the main file's write lock (an open write transaction) until it is disposed, which rolls back.</summary>
    private static async Task<SqliteConnection> HoldMainFileWriteLockAsync(string databasePath)
    {
        var writer = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await writer.OpenAsync();
        await using var begin = writer.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return writer;
    }

    /// <summary>Buffered touchpoints never published (waiting for room on the bus) and published at least once.</summary>
    private static async Task<(long Waiting, long Published)> BufferAttemptsAsync(string ingressBufferPath)
    {
        await using var connection = new SqliteConnection($"Data Source={ingressBufferPath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select coalesce(sum(Attempts = 0), 0), coalesce(sum(Attempts > 0), 0) from ingress_buffer";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>A row as the versions before the buffer file wrote it: ids as upper-case text, instants as UTC ticks.</summary>
    private static async Task InsertIntoMainFileBufferAsync(string databasePath, TouchpointReceived touchpoint)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "insert into ingress_buffer (TouchpointId, Body, ReceivedAt, Attempts, NextAttemptAt) values ($id, $body, $received, 1, $next)";
        command.Parameters.AddWithValue("$id", touchpoint.TouchpointId.ToString().ToUpperInvariant());
        command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(touchpoint, JsonSerializerOptions.Web));
        command.Parameters.AddWithValue("$received", touchpoint.ReceivedAt.UtcTicks);
        command.Parameters.AddWithValue("$next", touchpoint.ReceivedAt.AddSeconds(30).UtcTicks);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<long> MainFileBufferCountAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return await HubTables.CountAsync(connection, "ingress_buffer");
    }
}
