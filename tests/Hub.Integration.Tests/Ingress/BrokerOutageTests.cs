using System.Net;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Ingress;

/// <summary>With the broker down the hub cannot make a webhook durable, so it says 503 and the sender retries.</summary>
[Collection(RunsAlone.Name)]
public sealed class BrokerOutageTests : IAsyncLifetime
{
    private ProductionHub _hub = null!;

    // The test stops the broker: a node of its own, not the shared one.
    public async Task InitializeAsync() => _hub = await ProductionHub.StartAsync(new Dictionary<string, string>(), ownServers: OwnServers.Broker);

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task With_the_broker_stopped_webhooks_get_503_and_after_a_restart_the_resent_ones_are_all_stored_once()
    {
        const int count = 50;
        var sender = _hub.Sender;
        using (var first = await sender.SendAsync(SignedWebhookSender.Identify(0, count)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        Assert.Equal(1, await _hub.WaitForCountAsync("timeline", 1));

        await _hub.Broker.StopAsync();
        using (var refused = await sender.SendAsync(SignedWebhookSender.Identify(1, count)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        await _hub.Broker.StartAgainAsync();
        // Like a real sender: retry each webhook until it is acknowledged; one was already stored before.
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (n, _) =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (true)
            {
                using var response = await sender.SendAsync(SignedWebhookSender.Identify(n, count), webhookId: $"msg_{n}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.True(DateTime.UtcNow < deadline, "the hub did not accept webhooks again after the broker came back");
                await Task.Delay(500);
            }
        });

        Assert.Equal(count, await _hub.WaitForCountAsync("timeline", count));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(count, await _hub.CountAsync("timeline"));
        Assert.Equal(count, await _hub.CountAsync("customers"));
    }
}
