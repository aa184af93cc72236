using System.Net;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>A replica of a remote connector dies mid-stream: the gateway routes around it, the sender's retries land once, sync-back goes on.</summary>
[Collection(RunsAlone.Name)]
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

        var takenOutBeforeKill = TakenOutLines(0);
        await remote.Replicas[0].KillAsync();
        var after = Enumerable.Range(0, 20).Select(i => $"after-{i}").ToList();
        // Right after the kill the dead replica is still in the rotation (it takes two failed probes to leave): of two
        // requests at once, round robin sends one there, the gateway answers 502, and the helpdesk sends it again.
        var firstTwo = await Task.WhenAll(after.Take(2).Select(id => remote.Helpdesk.SendWithRetryAsync(HelpdeskSender.Event(id, email))));
        Assert.All(firstTwo, Assert.True);
        Assert.True(remote.Helpdesk.FailedAttempts > 0, "no request hit the killed replica, so the test proved nothing");
        foreach (var id in after.Skip(2))
        {
            Assert.True(await remote.Helpdesk.SendWithRetryAsync(HelpdeskSender.Event(id, email)), $"{id} was not taken");
        }
        // Once the probes have failed twice in a row, the gateway sends the dead replica nothing more.
        await Task.Delay(TimeSpan.FromSeconds(RemoteConnectorHub.HealthIntervalSeconds * 2.5));
        var failedBeforeLate = remote.Helpdesk.FailedAttempts;
        var late = Enumerable.Range(0, 6).Select(i => $"late-{i}").ToList();
        foreach (var id in late)
        {
            Assert.True(await remote.Helpdesk.SendWithRetryAsync(HelpdeskSender.Event(id, email)), $"{id} was not taken");
        }
        Assert.Equal(failedBeforeLate, remote.Helpdesk.FailedAttempts);
        // The operator reads one line saying so, with the reason, not a warning with a stack trace for every probe.
        var output = remote.Hub.Hub.Output;
        Assert.Contains($"Remote connector '{RemoteConnectorHub.InstanceId}': replica-0 ({remote.Replicas[0].Address}) is taken out of the rotation after 2 failed health probes in a row: HttpRequestException: Connection refused", output, StringComparison.Ordinal);
        Assert.Equal(takenOutBeforeKill + 1, TakenOutLines(0));
        Assert.DoesNotContain("Probing destination", output, StringComparison.Ordinal);
        // A sender that missed the answer sends again what the hub already has.
        foreach (var id in before.Take(3))
        {
            Assert.True(await remote.Helpdesk.SendWithRetryAsync(HelpdeskSender.Event(id, email)), $"{id} was not taken again");
        }

        var expected = before.Concat(after).Concat(late).Select(RemoteConnectorHub.SourceEventId).ToList();
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

    private int TakenOutLines(int replica) =>
        remote.Hub.Hub.Output.Split('\n').Count(line => line.Contains($"replica-{replica} (", StringComparison.Ordinal) && line.Contains("is taken out of the rotation", StringComparison.Ordinal));
}
