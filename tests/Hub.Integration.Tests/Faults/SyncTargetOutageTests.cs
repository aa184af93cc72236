using System.Net;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>
/// A sync target is down for a while: first it answers 503, then it answers too late for the hub's attempt timeout,
/// then it is back. Two embedded hubs go through the same outage side by side: one with the circuit breaker, one whose
/// breaker can never open (the retries alone), so the breaker's saving is measured, not guessed.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SyncTargetOutageTests(ITestOutputHelper output)
{
    private const int Customers = 20;
    private const int VersionsEach = 3;
    private static readonly TimeSpan PhaseLength = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Changes_made_while_a_sync_target_is_down_all_reach_it_afterwards_and_the_open_breaker_spares_it_most_calls()
    {
        using var guarded = new SyncTarget();
        using var unguarded = new SyncTarget();
        var hubs = await Task.WhenAll(
            EmbeddedHub.StartAsync(guarded.Settings(Outbound(breakerMinimumThroughput: 4))),
            EmbeddedHub.StartAsync(unguarded.Settings(Outbound(breakerMinimumThroughput: int.MaxValue))));
        await using var withBreaker = hubs[0];
        await using var withoutBreaker = hubs[1];
        SyncTarget[] targets = [guarded, unguarded];

        Array.ForEach(targets, t => t.Answers(Response.Create().WithStatusCode(503)));
        for (var n = 0; n < Customers * VersionsEach; n++)
        {
            foreach (var hub in hubs)
            {
                using var response = await hub.Sender.SendAsync(SignedWebhookSender.Identify(n, Customers));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        await Task.Delay(PhaseLength);
        Array.ForEach(targets, t => t.Answers(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2))));
        await Task.Delay(PhaseLength);
        var backAt = DateTime.UtcNow;
        Array.ForEach(targets, t => t.Answers(Response.Create().WithStatusCode(200)));

        await guarded.AssertHasLatestVersionsAsync(withBreaker.CustomerVersionsAsync, output);
        await unguarded.AssertHasLatestVersionsAsync(withoutBreaker.CustomerVersionsAsync, output);
        var calledWithBreaker = guarded.Server.LogEntries.Count(e => e.RequestMessage!.DateTime < backAt);
        var calledWithoutBreaker = unguarded.Server.LogEntries.Count(e => e.RequestMessage!.DateTime < backAt);
        var opened = Occurrences(withBreaker.Hub.Output, "OnCircuitOpened");
        output.WriteLine($"requests during the outage: {calledWithBreaker} with the breaker (opened {opened} times), {calledWithoutBreaker} with retries alone");
        Assert.True(opened > 0, "the hub logged no OnCircuitOpened");
        Assert.Equal(0, Occurrences(withoutBreaker.Hub.Output, "OnCircuitOpened"));
        Assert.Equal(Customers, (await withBreaker.CustomerVersionsAsync()).Count);
        Assert.True(calledWithBreaker * 4 <= calledWithoutBreaker, $"the breaker let {calledWithBreaker} requests through, retries alone made {calledWithoutBreaker}");
    }

    private static Dictionary<string, string> Outbound(int breakerMinimumThroughput) => new()
    {
        ["Hub:Outbound:AttemptTimeout"] = "00:00:01",
        ["Hub:Outbound:MaxRetryAttempts"] = "40",
        ["Hub:Outbound:RetryDelay"] = "00:00:00.050",
        ["Hub:Outbound:MaxRetryDelay"] = "00:00:00.100",
        ["Hub:Outbound:CircuitBreakerMinimumThroughput"] = breakerMinimumThroughput.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hub:Outbound:CircuitBreakerSamplingDuration"] = "00:00:10",
        ["Hub:Outbound:CircuitBreakerBreakDuration"] = "00:00:03",
    };

    private static int Occurrences(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}
