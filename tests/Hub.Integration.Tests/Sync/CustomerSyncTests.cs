using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using StandardWebhooks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Sync;

/// <summary>
/// One embedded hub for the tests of <see cref="CustomerSyncTests"/>, with the webhook target crm2 (WireMock). Each
/// test sends its own person (<c>Identify(n)</c>, n differing per test) and starts with a target that has no
/// answers and no requests yet.
/// </summary>
public sealed class CustomerSyncHub : IAsyncLifetime
{
    public const string TargetSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    public WireMockServer Target { get; } = WireMockServer.Start();

    public EmbeddedHub Hub { get; private set; } = null!;

    public async Task InitializeAsync() => Hub = await EmbeddedHub.StartAsync(new Dictionary<string, string>
    {
        ["Hub:Connectors:crm2:Kind"] = "webhooks",
        ["Hub:Connectors:crm2:Secret"] = SignedWebhookSender.ExampleSecret,
        ["Hub:Connectors:crm2:TargetUrl"] = $"http://127.0.0.1:{Target.Port}/hub-events",
        ["Hub:Connectors:crm2:TargetSecret"] = TargetSecret,
        ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
        ["Hub:Outbound:RetryDelay"] = "00:00:00.050",
        // The tests' refusals (503, 422) must not add up to an open circuit breaker that delays a later test's deliveries.
        ["Hub:Outbound:CircuitBreakerMinimumThroughput"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync()
    {
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        Target.Dispose();
    }
}

/// <summary>Customer changes leave the hub as signed Standard Webhooks messages to every other connected system.</summary>
public sealed class CustomerSyncTests : IClassFixture<CustomerSyncHub>
{
    private const string TargetSecret = CustomerSyncHub.TargetSecret;
    private readonly WireMockServer _target;
    private readonly EmbeddedHub _hub;

    public CustomerSyncTests(CustomerSyncHub fixture)
    {
        // Every test waits until what it sent has been delivered (and a moment more): nothing of an earlier test is in flight.
        fixture.Target.Reset();
        _target = fixture.Target;
        _hub = fixture.Hub;
    }

    [Fact]
    public async Task A_new_customer_reaches_the_other_system_as_a_webhook_whose_signature_verifies()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        using (var response = await _hub.Sender.SendAsync(SignedWebhookSender.Identify(1, 10)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var request = Assert.Single(await DeliveriesAsync(1));

        var headers = new HeaderDictionary();
        foreach (var (name, values) in request.Headers!)
        {
            headers[name] = values.ToArray();
        }
        new StandardWebhook(TargetSecret).Verify(request.Body!, headers);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("customer.updated", body.RootElement.GetProperty("type").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(1, data.GetProperty("version").GetInt64());
        Assert.Contains(data.GetProperty("customer").GetProperty("identifiers").EnumerateArray(),
            i => i.GetProperty("type").GetString() == "email" && i.GetProperty("value").GetString() == "person1@example.com");
        Assert.Equal($"msg_{Guid.Parse(data.GetProperty("customerId").GetString()!):N}_1", headers["webhook-id"].ToString());
    }

    [Fact]
    public async Task A_touchpoint_that_changes_nothing_in_the_master_record_is_on_the_timeline_but_no_new_version_and_no_delivery()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        const string identify = """{"type":"identify","messageId":"quiet-1","userId":"u-quiet","traits":{"email":"quiet@example.com","name":"Quinn Quiet"}}""";
        using (var response = await _hub.Sender.SendAsync(identify))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Single(await DeliveriesAsync(1));
        foreach (var unchanged in new[]
        {
            """{"type":"track","messageId":"quiet-2","userId":"u-quiet","event":"Viewed pricing"}""",
            identify.Replace("quiet-1", "quiet-3", StringComparison.Ordinal),
        })
        {
            using var response = await _hub.Sender.SendAsync(unchanged);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var response = await _hub.Sender.SendAsync(identify.Replace("quiet-1", "quiet-4", StringComparison.Ordinal).Replace("Quinn Quiet", "Quinn Q. Quiet", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await DeliveriesAsync(2);
        await Task.Delay(TimeSpan.FromSeconds(2)); // room for a wrong extra delivery to show up
        var versions = _target.LogEntries
            .Select(e => JsonDocument.Parse(e.RequestMessage!.Body!).RootElement.GetProperty("data").GetProperty("version").GetInt64()).ToList();
        Assert.Equal([1L, 2L], versions);
        var customer = Assert.Single((await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri("api/customers?email=quiet@example.com", UriKind.Relative))).EnumerateArray());
        Assert.Equal(2, customer.GetProperty("version").GetInt64());
        var timeline = await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customer.GetProperty("id").GetString()}/timeline", UriKind.Relative));
        Assert.Equal(4, timeline.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_target_answering_503_then_200_gets_the_change_once()
    {
        _target.Given(Request.Create().UsingPost()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        _target.Given(Request.Create().UsingPost()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200));
        using (var response = await _hub.Sender.SendAsync(SignedWebhookSender.Identify(2, 10)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var deliveries = await DeliveriesAsync(2);
        await Task.Delay(TimeSpan.FromSeconds(2)); // room for a wrong extra delivery to show up
        var all = _target.LogEntries.Select(e => e.RequestMessage!).ToList();
        Assert.Equal(2, all.Count);
        Assert.Single(all.Select(r => r.Headers!["webhook-id"].ToString()).Distinct());
        Assert.Equal(2, deliveries.Count);
    }

    [Fact]
    public async Task A_change_a_system_sent_itself_is_not_echoed_back_to_it()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var fromTarget = new SignedWebhookSender(_hub.Hub.Client, "crm2", SignedWebhookSender.ExampleSecret);
        using (var response = await fromTarget.SendAsync(SignedWebhookSender.Identify(3, 10)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var response = await _hub.Sender.SendAsync(SignedWebhookSender.Identify(4, 10)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // The second customer came from crm1, so crm2 gets it; by then crm2's own change was long handled.
        var delivered = await DeliveriesAsync(1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var only = Assert.Single(_target.LogEntries);
        Assert.Contains("person4@example.com", only.RequestMessage!.Body, StringComparison.Ordinal);
        Assert.Single(delivered);
    }

    [Fact]
    public async Task A_change_the_target_refuses_is_shown_as_a_failed_sync_with_the_reason_and_not_retried()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(422).WithBody("bad email"));
        using (var response = await _hub.Sender.SendAsync(SignedWebhookSender.Identify(5, 10)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await DeliveriesAsync(1);
        var customer = await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri("api/customers?email=person5@example.com", UriKind.Relative));
        var id = customer[0].GetProperty("id").GetString();
        JsonElement status = default;
        for (var i = 0; i < 100 && (status.ValueKind != JsonValueKind.Array || !status.EnumerateArray().Any(s => s.GetProperty("connectorInstanceId").GetString() == "crm2")); i++)
        {
            await Task.Delay(100);
            status = await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{id}/sync", UriKind.Relative));
        }
        // crm1 caused the change, so it counts as having it; crm2 refused it.
        var crm2 = Assert.Single(status.EnumerateArray(), s => s.GetProperty("connectorInstanceId").GetString() == "crm2");
        Assert.Contains("422", crm2.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, crm2.GetProperty("failedVersion").GetInt64());
        Assert.Equal(0, crm2.GetProperty("deliveredVersion").GetInt64());
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(_target.LogEntries);
    }

    [Fact]
    public async Task When_a_target_fails_on_one_customer_of_a_batch_the_retry_does_not_send_the_customers_it_already_took()
    {
        // person6 is applied first (earlier timestamp), so its change goes out before person7's in the same sync batch.
        _target.Given(Request.Create().UsingPost().WithBody(b => b != null && b.Contains("person7@example.com", StringComparison.Ordinal)))
            .AtPriority(1).RespondWith(Response.Create().WithStatusCode(503));
        _target.Given(Request.Create().UsingPost()).AtPriority(2).RespondWith(Response.Create().WithStatusCode(200));
        using (var response = await _hub.Sender.SendAsync($$"""{"batch":[{{SignedWebhookSender.Identify(6, 100)}},{{SignedWebhookSender.Identify(7, 100)}}]}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // The hub's own retries of person7 include at least one redelivery of the whole batch (a second 503 round).
        await WaitForAsync(() => RequestsFor("person7@example.com") >= 4);
        _target.Given(Request.Create().UsingPost().WithBody(b => b != null && b.Contains("person7@example.com", StringComparison.Ordinal)))
            .AtPriority(1).RespondWith(Response.Create().WithStatusCode(200));
        await WaitForAsync(() => _target.LogEntries.Any(e => e.RequestMessage!.Body!.Contains("person7@example.com", StringComparison.Ordinal)
            && e.ResponseMessage?.StatusCode is 200));
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a wrong extra delivery to show up

        Assert.Equal(1, RequestsFor("person6@example.com"));
    }

    [Fact]
    public async Task A_change_that_appears_behind_the_changes_already_relayed_is_still_delivered()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        using (var response = await _hub.Sender.SendAsync(SignedWebhookSender.Identify(8, 10)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await DeliveriesAsync(1);

        // The relay now searches from after the row it just sent. A row with a lower id (a transaction that committed
        // after one with higher ids) is found by the search from the start it makes every few seconds.
        await using (var connection = new SqliteConnection($"Data Source={_hub.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = """
                SELECT "Body" FROM outbox WHERE "MessageType" = 'CustomerUpdated' AND "Body" LIKE '%person8@example.com%'
                ORDER BY "Id" DESC LIMIT 1
                """;
            var body = JsonNode.Parse((string)(await read.ExecuteScalarAsync())!)!;
            var version = body["version"]!.GetValue<long>() + 1;
            body["version"] = version;
            body["customer"]!["version"] = version;
            body["customer"]!["fields"]!["plan"]!["value"] = "p8-late";
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO outbox ("Id", "MessageType", "Body", "CreatedAt") VALUES (-1, 'CustomerUpdated', $body, $createdAt)
                """;
            insert.Parameters.AddWithValue("$body", body.ToJsonString());
            insert.Parameters.AddWithValue("$createdAt", DateTimeOffset.UtcNow.UtcTicks);
            await insert.ExecuteNonQueryAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (RequestsFor("p8-late") == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal(1, RequestsFor("p8-late"));
    }

    private int RequestsFor(string email) => _target.LogEntries.Count(e => e.RequestMessage!.Body!.Contains(email, StringComparison.Ordinal));

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }

    private async Task<List<WireMock.IRequestMessage>> DeliveriesAsync(int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_target.LogEntries.Count() < atLeast && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return [.. _target.LogEntries.Select(e => e.RequestMessage!)];
    }
}
