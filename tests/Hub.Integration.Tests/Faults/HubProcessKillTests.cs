using Hub.Integration.Tests.Hosting;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>Two hub processes on one broker and one database; one of them is killed (kill -9) again and again mid-stream.</summary>
public sealed class HubProcessKillTests(ITestOutputHelper output)
{
    private const int Kills = 3;
    private const int People = 150;

    [Fact]
    public async Task Killing_one_of_two_hub_processes_three_times_mid_stream_loses_and_doubles_nothing_and_every_change_reaches_the_sync_target()
    {
        using var target = new SyncTarget();
        target.Server.Given(WireMock.RequestBuilders.Request.Create().UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200));
        await using var hub = await ProductionHub.StartAsync(target.Settings(new Dictionary<string, string>
        {
            ["Hub:Ingress:RetryAfterSeconds"] = "1",
            // Outbox rows claimed by a killed process are taken over once the claim lapses.
            ["Hub:Outbox:ClaimDuration"] = "00:00:05",
        }), processes: 2);
        var ledger = new DeliveryLedger();
        var stream = new WebhookStream(ledger, hub.SenderTo, processes: 2, People);
        var kills = 0;

        var sending = stream.RunAsync(() => Volatile.Read(ref kills) < Kills || ledger.Acknowledged < (Kills + 1) * 200, workers: 4, TimeSpan.FromMilliseconds(10));
        for (var kill = 1; kill <= Kills; kill++)
        {
            await UntilAsync(() => ledger.Acknowledged >= kill * 200, sending);
            await hub.RestartAsync(kill % 2);
            Interlocked.Increment(ref kills);
        }
        await sending;

        var counts = await ledger.SettleAsync(() => hub.TimelineSourceEventIdsAsync());
        output.WriteLine($"{Kills} kills; failed attempts (no answer or 5xx) {ledger.Failed}");
        counts.AssertExactlyOnce(output);
        Assert.Equal(counts.Sent, counts.Acknowledged);
        await target.AssertHasLatestVersionsAsync(hub.CustomerVersionsAsync, output);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing early if the stream failed.</summary>
    internal static async Task UntilAsync(Func<bool> condition, Task stream)
    {
        while (!condition())
        {
            if (stream.IsFaulted)
            {
                await stream;
            }
            Assert.False(stream.IsCompleted, "the stream ended before the fault");
            await Task.Delay(20);
        }
    }
}
