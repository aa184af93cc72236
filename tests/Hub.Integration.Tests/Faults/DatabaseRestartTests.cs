using Hub.Integration.Tests.Hosting;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>PostgreSQL restarts in the middle of a stream of webhooks.</summary>
public sealed class DatabaseRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_database_restart_mid_stream_keeps_webhooks_coming_in_and_the_consumers_retry_until_everything_is_stored_once()
    {
        await using var hub = await ProductionHub.StartAsync(new Dictionary<string, string> { ["Hub:Ingress:RetryAfterSeconds"] = "1" });
        var ledger = new DeliveryLedger();
        var stream = new WebhookStream(ledger, hub.SenderTo, processes: 1, people: 100);
        var restartedAt = -1;
        stream.Start(() => Volatile.Read(ref restartedAt) < 0 || ledger.Acknowledged < restartedAt + 200);

        await stream.UntilAsync(() => ledger.Acknowledged >= 200);
        await hub.Postgres.StopAsync();
        var stoppedAt = ledger.Acknowledged;
        // The broker holds what comes in meanwhile: the ingress does not need the database.
        await stream.UntilAsync(() => ledger.Acknowledged >= stoppedAt + 200);
        var readyWhileDown = await hub.Hub.IsReadyAsync();
        await hub.Postgres.StartAgainAsync();
        Volatile.Write(ref restartedAt, ledger.Acknowledged);
        await stream.Completion;

        var counts = await ledger.SettleAsync(() => hub.TimelineSourceEventIdsAsync());
        output.WriteLine(ledger.ToString());
        counts.AssertExactlyOnce(output);
        Assert.False(readyWhileDown, "/health/ready should say unhealthy while the database is down");
        Assert.True(await hub.Hub.IsReadyAsync());
    }
}
