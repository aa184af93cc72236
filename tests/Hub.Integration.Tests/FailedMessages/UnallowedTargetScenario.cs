using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing.Servers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.FailedMessages;

/// <summary>
/// A poison message an operator meets: a CRM on the internal network is configured as a sync target, but its network
/// is not in <c>Hub:Outbound:AllowedNetworks</c>, so the outbound guard refuses every change for it. The change fails
/// for good and is listed with that reason; the operator allows the network, restarts the hub and replays it.
/// </summary>
internal sealed class UnallowedTargetScenario : IDisposable
{
    public const string TargetInstance = "crm2";
    public const string Queue = "hub-sync-crm2";
    private const string TargetSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private readonly WireMockServer _target = WireMockServer.Start();

    public UnallowedTargetScenario() =>
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

    /// <summary>The CRM as a sync target on 127.0.0.1, which the guard refuses unless allowed.</summary>
    public Dictionary<string, string> TargetSettings => new()
    {
        [$"Hub:Connectors:{TargetInstance}:Kind"] = "webhooks",
        [$"Hub:Connectors:{TargetInstance}:Secret"] = SignedWebhookSender.ExampleSecret,
        [$"Hub:Connectors:{TargetInstance}:TargetUrl"] = $"http://127.0.0.1:{_target.Port}/hub-events",
        [$"Hub:Connectors:{TargetInstance}:TargetSecret"] = TargetSecret,
    };

    /// <summary>Resolution gives a touchpoint up after three quick retries (under a second) instead of about 25 s.</summary>
    public static Dictionary<string, string> QuickResolutionRetries => new()
    {
        ["Hub:Resolution:RetryLimit"] = "3",
        ["Hub:Resolution:RetryMaxInterval"] = "00:00:00.200",
    };

    /// <summary>The operator's fix.</summary>
    public static Dictionary<string, string> AllowTheTargetNetwork => new() { ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32" };

    public List<string> Deliveries => [.. _target.LogEntries.Select(e => e.RequestMessage!.Body!)];

    public static async Task SendCustomerAsync(SignedWebhookSender sender, int person)
    {
        using var response = await sender.SendAsync(SignedWebhookSender.Identify(person, 10));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Polls the list of failed messages until it holds one; returns it.</summary>
    public static async Task<JsonElement> WaitForOneFailedAsync(HttpClient hub)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var page = await hub.GetFromJsonAsync<JsonElement>(new Uri("api/operations/failed-messages?status=failed", UriKind.Relative));
            var items = page.GetProperty("items");
            if (items.GetArrayLength() > 0 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(items.EnumerateArray());
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until the CRM received a change of the given person; returns every delivery so far.</summary>
    public async Task<List<string>> WaitForDeliveryOfAsync(int person)
    {
        var email = $"person{person}@example.com";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Deliveries.Any(d => d.Contains(email, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return Deliveries;
    }

    /// <summary>Every failure listed with status <c>failed</c>.</summary>
    public static async Task<List<JsonElement>> FailedAsync(HttpClient hub) =>
        [.. (await hub.GetFromJsonAsync<JsonElement>(new Uri("api/operations/failed-messages?status=failed", UriKind.Relative)))
            .GetProperty("items").EnumerateArray()];

    /// <summary>The failed message itself, as JSON text.</summary>
    public static async Task<string> MessageAsync(HttpClient hub, long id) =>
        (await hub.GetFromJsonAsync<JsonElement>(new Uri($"api/operations/failed-messages/{id}", UriKind.Relative)))
            .GetProperty("message").GetRawText();

    /// <summary>The ids and bodies of the <c>failed_messages</c> rows, oldest first, read from the database itself (SQLite or PostgreSQL).</summary>
    public static async Task<List<(long Id, string Body)>> FailedRowsAsync(DbConnection connection)
    {
        var rows = new List<(long Id, string Body)>();
        await using var read = connection.CreateCommand();
        read.CommandText = """select "Id", "Body" from failed_messages order by "Id" """;
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        return rows;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient hub, string path) =>
        hub.PostAsync(new Uri($"api/operations/failed-messages/{path}", UriKind.Relative), null);

    /// <summary>
    /// The listed failure names the queue, the message and the reason, after one attempt; the CRM got nothing. Returns the failure's id.
    /// </summary>
    public async Task<long> AssertListedWithTheReasonAsync(HttpClient hub)
    {
        var failed = await WaitForOneFailedAsync(hub);
        Assert.Equal(Queue, failed.GetProperty("queue").GetString());
        Assert.Equal("CustomerUpdateGroup", failed.GetProperty("messageType").GetString());
        Assert.Contains("Hub:Outbound:AllowedNetworks", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        // A refused address is configuration: retrying could not help, so there was one attempt.
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        var id = failed.GetProperty("id").GetInt64();
        var detail = await hub.GetFromJsonAsync<JsonElement>(new Uri($"api/operations/failed-messages/{id}", UriKind.Relative));
        Assert.Contains("person1@example.com", detail.GetProperty("message").GetRawText(), StringComparison.Ordinal);
        Assert.Empty(Deliveries);
        return id;
    }

    /// <summary>
    /// Replays the fixed message: it lands; a second replay is refused with 409; a later change still arrives after it,
    /// so by then any second copy of the replayed one would have arrived too (the target's queue is in order).
    /// </summary>
    public async Task AssertReplayLandsOnceAsync(HttpClient hub, SignedWebhookSender sender, long id)
    {
        using (var replay = await PostAsync(hub, $"{id}/replay"))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal("replayed", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        await WaitForDeliveryOfAsync(1);
        using (var again = await PostAsync(hub, $"{id}/replay"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        }
        await SendCustomerAsync(sender, 2);
        var deliveries = await WaitForDeliveryOfAsync(2);
        Assert.Single(deliveries, d => d.Contains("person1@example.com", StringComparison.Ordinal));
        Assert.Single(deliveries, d => d.Contains("person2@example.com", StringComparison.Ordinal));
    }

    public void Dispose() => _target.Dispose();
}
