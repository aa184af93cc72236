using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Privacy;

/// <summary>
/// An erasure for a target whose address the outbound guard refuses (the cloud metadata address here) is configuration,
/// not an outage: it is failed at once with the guard's reason, as a sync change to that target is, not retried forever.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RefusedAddressErasureTests
{
    private const string TargetInstance = "crm2";

    [Fact]
    public async Task An_erasure_for_a_refused_address_is_failed_with_the_guards_reason_and_the_erasure_says_failed()
    {
        await using var embedded = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            [$"Hub:Connectors:{TargetInstance}:Kind"] = "webhooks",
            [$"Hub:Connectors:{TargetInstance}:Secret"] = SignedWebhookSender.ExampleSecret,
            [$"Hub:Connectors:{TargetInstance}:TargetUrl"] = "http://169.254.169.254/latest/hub-events",
            ["Hub:Erasure:PollInterval"] = "00:00:00.200",
            ["Hub:Erasure:RetryDelay"] = "00:00:00.200",
            ["Hub:Erasure:MaxRetryDelay"] = "00:00:00.500",
        });
        var hub = embedded.Hub.Client;
        using (var sent = await embedded.Sender.SendAsync(SignedWebhookSender.Identify(1, 1)))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }
        var customerId = await embedded.CustomerIdAsync("person0@example.com");

        using (var asked = await hub.PostAsync(new Uri($"api/customers/{customerId}/erasure", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        }
        JsonElement erasure;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(200);
            erasure = await hub.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/erasure", UriKind.Relative));
        }
        while (Crm2(erasure).GetProperty("status").GetString() != "failed" && DateTime.UtcNow < deadline);

        var crm2 = Crm2(erasure);
        Assert.Equal("failed", crm2.GetProperty("status").GetString());
        Assert.Contains("Hub:Outbound:AllowedNetworks", crm2.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, crm2.GetProperty("attempts").GetInt32());
        Assert.Equal("failed", erasure.GetProperty("status").GetString());
    }

    private static JsonElement Crm2(JsonElement erasure) =>
        erasure.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("connectorInstanceId").GetString() == TargetInstance);
}
