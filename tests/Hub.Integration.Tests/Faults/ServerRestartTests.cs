using Hub.Integration.Tests.Hosting;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>RabbitMQ or PostgreSQL restarts in the middle of a stream of webhooks to a hub in production mode.</summary>
[Collection(RunsAlone.Name)]
public sealed class ServerRestartTests(ITestOutputHelper output)
{
    private const int Stretch = 100;

    [Fact]
    public async Task A_broker_restart_mid_stream_gets_503s_while_it_is_down_then_the_hub_recovers_by_itself_and_loses_nothing()
    {
        var refusedWhileDown = 0;
        var ready = await RestartMidStreamAsync(
            OwnServers.Broker,
            hub => hub.Broker.StopAsync(),
            async (stream, ledger) =>
            {
                var refusedBefore = ledger.Refused;
                await stream.UntilAsync(() => ledger.Refused >= refusedBefore + 8);
                refusedWhileDown = ledger.Refused - refusedBefore;
            },
            hub => hub.Broker.StartAgainAsync());

        Assert.True(refusedWhileDown >= 8);
        Assert.Equal((false, true), (ready.WhileDown, ready.AtTheEnd));
    }

    [Fact]
    public async Task A_database_restart_mid_stream_keeps_webhooks_coming_in_and_the_consumers_retry_until_everything_is_stored_once()
    {
        var ready = await RestartMidStreamAsync(
            OwnServers.Database,
            hub => hub.Postgres.StopAsync(),
            // The broker holds what comes in meanwhile: the ingress does not need the database.
            async (stream, ledger) =>
            {
                var acknowledgedBefore = ledger.Acknowledged;
                await stream.UntilAsync(() => ledger.Acknowledged >= acknowledgedBefore + Stretch);
            },
            hub => hub.Postgres.StartAgainAsync());

        Assert.Equal((false, true), (ready.WhileDown, ready.AtTheEnd));
        // The hub's loops say it once per outage; EF Core's own error per failed statement (thousands) stays off.
        Assert.DoesNotContain("fail: Microsoft.EntityFrameworkCore", ready.Log, StringComparison.Ordinal);
    }

    /// <summary>
    /// Streams webhooks (a sender honouring Retry-After) to a one-process hub with <paramref name="server"/> of its own
    /// (the other one shared); after a stretch of them stops that server,
    /// lets <paramref name="whileDown"/> watch the stream, starts the server again, streams another stretch, and asserts that
    /// every event was stored exactly once. Returns what /health/ready said while the server was down and at the end.
    /// </summary>
    private async Task<(bool WhileDown, bool AtTheEnd, string Log)> RestartMidStreamAsync(
        OwnServers server, Func<ProductionHub, Task> stop, Func<WebhookStream, DeliveryLedger, Task> whileDown, Func<ProductionHub, Task> start)
    {
        await using var hub = await ProductionHub.StartAsync(new Dictionary<string, string> { ["Hub:Ingress:RetryAfterSeconds"] = "1" }, ownServers: server);
        var ledger = new DeliveryLedger();
        var stream = new WebhookStream(ledger, hub.SenderTo, processes: 1, people: 100);
        var restartedAt = -1;
        stream.Start(() => Volatile.Read(ref restartedAt) < 0 || ledger.Acknowledged < restartedAt + Stretch);

        bool readyWhileDown;
        try
        {
            await stream.UntilAsync(() => ledger.Acknowledged >= Stretch);
            await stop(hub);
            await whileDown(stream, ledger);
            readyWhileDown = await hub.Hub.IsReadyAsync();
            await start(hub);
            Volatile.Write(ref restartedAt, ledger.Acknowledged);
            await stream.Completion;
        }
        catch (Exception)
        {
            // An answer the stream did not expect (a 500, say): the hub's log says why.
            output.WriteLine(hub.Hub.Output[^Math.Min(40_000, hub.Hub.Output.Length)..]);
            throw;
        }

        var counts = await ledger.SettleAsync(() => hub.TimelineSourceEventIdsAsync());
        output.WriteLine(ledger.ToString());
        if (counts.Lost > 0)
        {
            // What the hub said is the only account of where the acknowledged webhooks went.
            output.WriteLine(hub.Hub.Output[^Math.Min(20_000, hub.Hub.Output.Length)..]);
        }
        counts.AssertExactlyOnce(output);
        return (readyWhileDown, await hub.Hub.IsReadyAsync(), hub.Hub.Output);
    }
}
