using System.Globalization;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Microsoft.Data.Sqlite;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>
/// A sync target is down longer than its queue waits (the wait budget lowered to 3 s), so its changes become failed
/// messages. While it stays down, the hub replays only the oldest of them now and then, one at a time, as a probe; once
/// it is back, the hub replays the rest by itself and the target ends with every customer's latest version. A target that
/// answered <c>410 Gone</c> beside it is left to the operator.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SyncTargetOutageRedeliveryTests(ITestOutputHelper output)
{
    private const int Customers = 5;
    private const int VersionsEach = 2;
    private const int IntervalSeconds = 2;
    private const int BudgetSeconds = 3;
    private const int RetryAfterSeconds = 1;
    private const string GoneInstance = "crm3";
    private const string AutomaticActor = "hub (automatic replay after outage)";
    private static readonly string OutageQueue = $"hub-sync-{SyncTarget.InstanceId}";
    private static readonly string GoneQueue = $"hub-sync-{GoneInstance}";

    [Fact]
    public async Task A_target_down_longer_than_the_wait_budget_is_probed_one_change_at_a_time_and_caught_up_once_back()
    {
        using var target = new SyncTarget();
        using var gone = WireMockServer.Start();
        gone.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(410).WithBody("endpoint disabled by its owner"));
        target.Answers(Response.Create().WithStatusCode(503).WithHeader("Retry-After", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)));
        await using var hub = await EmbeddedHub.StartAsync(target.Settings(new Dictionary<string, string>
        {
            ["Hub:Sync:TargetWaitBudgetSeconds"] = BudgetSeconds.ToString(CultureInfo.InvariantCulture),
            ["Hub:Sync:OutageRedeliveryIntervalSeconds"] = IntervalSeconds.ToString(CultureInfo.InvariantCulture),
            // Each attempt is one request, and the breaker stays closed: the target's answers alone decide.
            ["Hub:Outbound:MaxRetryAttempts"] = "0",
            ["Hub:Outbound:CircuitBreakerMinimumThroughput"] = int.MaxValue.ToString(CultureInfo.InvariantCulture),
            [$"Hub:Connectors:{GoneInstance}:Kind"] = "webhooks",
            [$"Hub:Connectors:{GoneInstance}:Secret"] = SignedWebhookSender.ExampleSecret,
            [$"Hub:Connectors:{GoneInstance}:TargetUrl"] = $"http://127.0.0.1:{gone.Port}/hub-events",
        }));

        for (var n = 0; n < Customers * VersionsEach; n++)
        {
            using var response = await hub.Sender.SendAsync(SignedWebhookSender.Identify(n, Customers));
            response.EnsureSuccessStatusCode();
        }
        await Eventually.HoldsAsync(() => EveryChangeFailedAsync(hub), "every change became a failed message of both targets", TimeSpan.FromSeconds(90));
        var outageRows = (await RowsAsync(hub)).Where(r => r.Queue == OutageQueue).ToList();
        var goneRows = (await RowsAsync(hub)).Where(r => r.Queue == GoneQueue).ToList();
        output.WriteLine($"failed: {outageRows.Count} messages of {OutageQueue} ({outageRows[0].ExceptionType}), {goneRows.Count} of {GoneQueue} ({goneRows[0].ExceptionType})");
        Assert.All(outageRows, r => Assert.Equal("Hub.Contracts.Connectors.SyncTargetUnavailableException", r.ExceptionType));
        Assert.All(goneRows, r => Assert.Equal("Hub.Contracts.Connectors.SyncTargetGoneException", r.ExceptionType));

        // Still down: only probes reach the target, each the oldest failed change, one at a time.
        var auditMark = (await AutomaticReplaysAsync(hub)).Select(a => a.Id).DefaultIfEmpty().Max();
        var from = DateTime.UtcNow;
        await Eventually.HoldsAsync(async () => (await AutomaticReplaysAsync(hub)).Count(a => a.Id > auditMark) >= 3, "three probes while the target is down", TimeSpan.FromSeconds(60));
        var until = DateTime.UtcNow;
        var probes = (await AutomaticReplaysAsync(hub)).Where(a => a.Id > auditMark).ToList();
        var requests = target.Server.LogEntries.Where(e => e.RequestMessage!.DateTime >= from && e.RequestMessage.DateTime <= until).ToList();
        var webhookIds = requests.Select(e => e.RequestMessage!.Headers!["webhook-id"].ToString()).Distinct().ToList();
        output.WriteLine($"while down: {probes.Count} probes and {requests.Count} requests ({string.Join(", ", webhookIds)}) in {(until - from).TotalSeconds:0.0} s");
        Assert.All(probes, p => Assert.Equal(outageRows.Min(r => r.Id).ToString(CultureInfo.InvariantCulture), p.Subject));
        Assert.Single(webhookIds);
        Assert.True(probes.Count <= ((until - from).TotalSeconds / IntervalSeconds) + 1, $"{probes.Count} probes in {(until - from).TotalSeconds:0.0} s");
        // A probe is one delivery: a call, then one per Retry-After until the budget is spent. One may have been under way already.
        Assert.True(requests.Count <= (probes.Count + 1) * ((BudgetSeconds / RetryAfterSeconds) + 1), $"{requests.Count} requests for {probes.Count} probes");

        // Back: without any call to the hub's API every change arrives, and the failed messages are replayed.
        target.Answers(Response.Create().WithStatusCode(200));
        gone.ResetMappings();
        gone.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await target.AssertHasLatestVersionsAsync(hub.CustomerVersionsAsync, output);
        await Eventually.HoldsAsync(async () => (await RowsAsync(hub)).Where(r => r.Queue == OutageQueue).All(r => r.Status == "replayed"),
            "every failed message of the target that was down replayed", TimeSpan.FromSeconds(30));
        var replays = await AutomaticReplaysAsync(hub);
        Assert.All(outageRows, r => Assert.Contains(replays, a => a.Subject == r.Id.ToString(CultureInfo.InvariantCulture)));

        // The target that said it is gone is the operator's: its failed messages were neither replayed nor tried again.
        var goneNow = (await RowsAsync(hub)).Where(r => r.Queue == GoneQueue).ToList();
        Assert.All(goneNow, r => Assert.Equal(("failed", 1), (r.Status, r.Attempts)));
        Assert.DoesNotContain(replays, a => goneNow.Exists(r => r.Id.ToString(CultureInfo.InvariantCulture) == a.Subject));
    }

    /// <summary>Every customer's current version is in a failed message of the target that is down, and the gone target has some.</summary>
    private static async Task<bool> EveryChangeFailedAsync(EmbeddedHub hub)
    {
        if ((await hub.TimelineTouchpointIdsAsync()).Count < Customers * VersionsEach)
        {
            return false;
        }
        var current = await hub.CustomerVersionsAsync();
        var rows = await RowsAsync(hub);
        var failed = rows.Where(r => r.Queue == OutageQueue).SelectMany(r => ChangesOf(r.Body)).ToHashSet();
        return current.Count == Customers && current.All(c => failed.Contains((c.Key, c.Value))) && rows.Exists(r => r.Queue == GoneQueue);
    }

    private static IEnumerable<(Guid Customer, long Version)> ChangesOf(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("customerId").GetGuid(), c.GetProperty("version").GetInt64()));

    private sealed record FailedRow(long Id, string Queue, string Status, string ExceptionType, int Attempts, string Body);

    private sealed record AuditEntry(long Id, string Subject);

    private static async Task<List<FailedRow>> RowsAsync(EmbeddedHub hub)
    {
        await using var connection = await OpenAsync(hub);
        await using var command = connection.CreateCommand();
        command.CommandText = "select Id, Queue, Status, ExceptionType, Attempts, Body from failed_messages order by Id";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<FailedRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new FailedRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5)));
        }
        return rows;
    }

    private static async Task<List<AuditEntry>> AutomaticReplaysAsync(EmbeddedHub hub)
    {
        await using var connection = await OpenAsync(hub);
        await using var command = connection.CreateCommand();
        command.CommandText = "select Id, Subject from audit_entries where Actor = $actor and Action = 'failed-message.replayed' order by Id";
        command.Parameters.AddWithValue("$actor", AutomaticActor);
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync())
        {
            entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetString(1)));
        }
        return entries;
    }

    private static async Task<SqliteConnection> OpenAsync(EmbeddedHub hub)
    {
        var connection = new SqliteConnection($"Data Source={hub.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

}
