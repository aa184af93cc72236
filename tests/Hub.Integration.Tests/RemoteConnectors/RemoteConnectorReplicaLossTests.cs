using System.Net;
using System.Text.Json;
using Hub.Testing.Servers;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>A replica of a remote connector dies mid-stream: the gateway routes around it, the sender's retries land once, sync-back goes on.</summary>
public sealed class RemoteConnectorReplicaLossTests(RemoteConnectorHub remote) : IClassFixture<RemoteConnectorHub>
{
    [Fact]
    public async Task Killing_a_replica_loses_nothing_and_a_customer_change_reaches_the_survivor_as_a_verifiable_standard_webhook()
    {
        const string email = "ada@example.com";
        var before = Enumerable.Range(0, 6).Select(i => $"before-{i}").ToList();
        foreach (var id in before)
        {
            Assert.True(await remote.Helpdesk.SendWithRetryAsync(HelpdeskSender.Event(id, email)), $"{id} was not taken");
        }

        await remote.Replicas[0].KillAsync();
        var after = Enumerable.Range(0, 20).Select(i => $"after-{i}").ToList();
        foreach (var id in after)
        {
            Assert.True(await remote.Helpdesk.SendWithRetryAsync(HelpdeskSender.Event(id, email)), $"{id} was not taken");
        }
        // Right after the kill, requests routed to the dead replica failed (502) until the health check took it out;
        // the helpdesk sent them again.
        Assert.True(remote.Helpdesk.FailedAttempts > 0, "no request hit the killed replica, so the test proved nothing");
        // A sender that missed the answer sends again what the hub already has.
        foreach (var id in before.Take(3))
        {
            Assert.True(await remote.Helpdesk.SendWithRetryAsync(HelpdeskSender.Event(id, email)), $"{id} was not taken again");
        }

        var expected = before.Concat(after).Select(RemoteConnectorHub.SourceEventId).ToList();
        var timeline = await remote.TimelineWhenAsync(t => expected.All(t.Contains));
        Assert.All(expected, id => Assert.Single(timeline, id));
        Assert.Equal(expected.Count, timeline.Count);

        // A change caused by another system (crm1, the generic webhooks instance) goes out to the remote connector,
        // which only the surviving replica can take now.
        using (var response = await remote.Hub.Sender.SendAsync(
            $$$"""{"type":"identify","messageId":"crm-1","userId":"c-1","traits":{"email":"{{{email}}}","company":"Example Ltd"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var survivor = remote.Replicas[1];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<JsonElement> synced;
        while ((synced = survivor.Records("sync")).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        var message = Assert.Single(synced);
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = message.GetProperty("webhookId").GetString(),
            ["webhook-timestamp"] = message.GetProperty("webhookTimestamp").GetString(),
            ["webhook-signature"] = message.GetProperty("webhookSignature").GetString(),
        };
        var body = message.GetProperty("body").GetString()!;
        new StandardWebhook(RemoteConnectorHub.SyncSecret).Verify(body, headers);
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(SignedWebhookSender.ExampleSecret).Verify(body, headers));

        using var change = JsonDocument.Parse(body);
        var data = change.RootElement.GetProperty("data");
        Assert.Equal("customer.updated", change.RootElement.GetProperty("type").GetString());
        Assert.Equal(EmbeddedHubInstance, data.GetProperty("sourceConnectorInstanceId").GetString());
        Assert.Contains(data.GetProperty("customer").GetProperty("identifiers").EnumerateArray(),
            i => i.GetProperty("type").GetString() == "email" && i.GetProperty("value").GetString() == email);
        // The connector's own touchpoints changed the customer too, but those changes are its echo and were not sent back.
        Assert.True(data.GetProperty("version").GetInt64() > 1);
    }

    private const string EmbeddedHubInstance = Hosting.EmbeddedHub.InstanceId;
}
