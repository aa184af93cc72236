using Hub.Integration.Tests.Hosting;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>RabbitMQ restarts in the middle of a stream of webhooks.</summary>
public sealed class BrokerRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_broker_restart_mid_stream_gets_503s_while_it_is_down_then_the_hub_recovers_by_itself_and_loses_nothing()
    {
        await using var hub = await ProductionHub.StartAsync(new Dictionary<string, string> { ["Hub:Ingress:RetryAfterSeconds"] = "1" });
        var ledger = new DeliveryLedger();
        var stream = new WebhookStream(ledger, hub.SenderTo, processes: 1, people: 100);
        var restartedAt = -1;
        stream.Start(() => Volatile.Read(ref restartedAt) < 0 || ledger.Acknowledged < restartedAt + 200);

        await stream.UntilAsync(() => ledger.Acknowledged >= 200);
        await hub.Broker.StopAsync();
        var refusedBefore = ledger.Refused;
        await stream.UntilAsync(() => ledger.Refused >= refusedBefore + 8);
        var readyWhileDown = await hub.Hub.IsReadyAsync();
        using (var health = await hub.Hub.Client.GetAsync(new Uri("health/ready", UriKind.Relative)))
        {
            output.WriteLine($"/health/ready while the broker is down: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
        }
        await hub.Broker.StartAgainAsync();
        Volatile.Write(ref restartedAt, ledger.Acknowledged);
        await stream.Completion;

        var counts = await ledger.SettleAsync(() => hub.TimelineSourceEventIdsAsync());
        output.WriteLine(ledger.ToString());
        counts.AssertExactlyOnce(output);
        Assert.False(readyWhileDown, "/health/ready should say unhealthy while the broker is down");
        Assert.True(await hub.Hub.IsReadyAsync());
    }
}
