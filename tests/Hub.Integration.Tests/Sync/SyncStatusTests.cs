using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Sync;

/// <summary>
/// <c>GET /api/customers/{id}/sync</c> lists every sync target, not only those that took the customer: one that has the
/// current version (current), one whose change became a failed message (failed, with its reason and id), and one still
/// waiting for its target (pending); not an instance connected inbound only.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SyncStatusTests
{
    [Fact]
    public async Task Every_sync_target_is_listed_with_where_the_customers_current_version_stands()
    {
        using var taking = WireMockServer.Start();
        taking.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        using var down = WireMockServer.Start();
        down.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "60"));
        await using var embedded = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Hub:Connectors:current1:Kind"] = "webhooks",
            ["Hub:Connectors:current1:Secret"] = SignedWebhookSender.ExampleSecret,
            ["Hub:Connectors:current1:TargetUrl"] = $"http://127.0.0.1:{taking.Port}/hub-events",
            // The outbound guard refuses the metadata address: the change fails for good, at once.
            ["Hub:Connectors:failing1:Kind"] = "webhooks",
            ["Hub:Connectors:failing1:Secret"] = SignedWebhookSender.ExampleSecret,
            ["Hub:Connectors:failing1:TargetUrl"] = "http://169.254.169.254/hub-events",
            ["Hub:Connectors:waiting1:Kind"] = "webhooks",
            ["Hub:Connectors:waiting1:Secret"] = SignedWebhookSender.ExampleSecret,
            ["Hub:Connectors:waiting1:TargetUrl"] = $"http://127.0.0.1:{down.Port}/hub-events",
            // Salesforce without a ClientId only receives: it takes no changes, so it has no sync status.
            ["Hub:Connectors:inbound1:Kind"] = "salesforce",
            ["Hub:Connectors:inbound1:OrganizationId"] = "00D5e000000HubQ",
            ["Hub:Connectors:inbound1:InstanceUrl"] = "https://example.my.salesforce.com",
        });
        var hub = embedded.Hub.Client;
        using (var sent = await embedded.Sender.SendAsync(SignedWebhookSender.Identify(1, 1)))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }
        var customerId = await embedded.CustomerIdAsync("person0@example.com");

        List<JsonElement> status;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(200);
            status = [.. (await hub.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/sync", UriKind.Relative))).EnumerateArray()];
        }
        while ((State(status, "current1") != "current" || State(status, "failing1") != "failed" || !down.LogEntries.Any()) && DateTime.UtcNow < deadline);

        var current = Single(status, "current1");
        Assert.Equal("current", current.GetProperty("status").GetString());
        Assert.Equal(1, current.GetProperty("deliveredVersion").GetInt64());
        var failing = Single(status, "failing1");
        Assert.Equal("failed", failing.GetProperty("status").GetString());
        Assert.Equal(0, failing.GetProperty("deliveredVersion").GetInt64());
        Assert.Contains("Hub:Outbound:AllowedNetworks", failing.GetProperty("failedMessageReason").GetString(), StringComparison.Ordinal);
        var failed = await hub.GetFromJsonAsync<JsonElement>(new Uri("api/operations/failed-messages?status=failed", UriKind.Relative));
        Assert.Equal(
            Assert.Single(failed.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64(),
            failing.GetProperty("failedMessageId").GetInt64());
        var waiting = Single(status, "waiting1");
        Assert.Equal("pending", waiting.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("updatedAt").ValueKind);
        Assert.DoesNotContain(status, s => s.GetProperty("connectorInstanceId").GetString() == "inbound1");
    }

    private static JsonElement Single(List<JsonElement> status, string instance) =>
        Assert.Single(status, s => s.GetProperty("connectorInstanceId").GetString() == instance);

    private static string? State(List<JsonElement> status, string instance) =>
        status.FirstOrDefault(s => s.GetProperty("connectorInstanceId").GetString() == instance) is { ValueKind: JsonValueKind.Object } s
            ? s.GetProperty("status").GetString()
            : null;
}
