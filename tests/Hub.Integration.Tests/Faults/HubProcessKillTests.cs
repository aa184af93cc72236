using Hub.Integration.Tests.Hosting;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>Two hub processes on one broker and one database; one of them is killed (kill -9) again and again mid-stream.</summary>
[Collection(RunsAlone.Name)]
public sealed class HubProcessKillTests(ITestOutputHelper output)
{
    private const int Kills = 3;
    private const int People = 100;

    [Fact]
    public async Task Killing_one_of_two_hub_processes_three_times_mid_stream_loses_and_doubles_nothing_and_every_change_reaches_the_sync_target()
    {
        using var target = new SyncTarget();
        await using var hub = await ProductionHub.StartAsync(target.Settings(new Dictionary<string, string>
        {
            ["Hub:Ingress:RetryAfterSeconds"] = "1",
            // Outbox rows claimed by a killed process are taken over once the claim lapses.
            ["Hub:Outbox:ClaimDuration"] = "00:00:05",
        }), processes: 2);
        var ledger = new DeliveryLedger();
        var stream = new WebhookStream(ledger, hub.SenderTo, processes: 2, People);
        var kills = 0;

        stream.Start(() => Volatile.Read(ref kills) < Kills || ledger.Acknowledged < (Kills + 1) * 100);
        for (var kill = 1; kill <= Kills; kill++)
        {
            await stream.UntilAsync(() => ledger.Acknowledged >= kill * 100);
            await hub.RestartAsync(kill % 2);
            Interlocked.Increment(ref kills);
        }
        await stream.Completion;

        var counts = await ledger.SettleAsync(() => hub.TimelineSourceEventIdsAsync());
        output.WriteLine($"{Kills} kills; {ledger}");
        counts.AssertExactlyOnce(output);
        Assert.Equal(counts.Sent, counts.Acknowledged);
        await target.AssertHasLatestVersionsAsync(hub.CustomerVersionsAsync, output);
    }
}
