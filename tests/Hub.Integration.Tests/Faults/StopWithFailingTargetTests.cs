using System.Net;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>
/// The hub is stopped (SIGTERM, as systemd and docker stop do) while a sync target fails and a change for it is held by
/// the retries and the target's back-off. The stop must end cleanly inside the host's shutdown time, and the change must
/// not be lost: it reaches the target once the target is back and the hub runs again.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class StopWithFailingTargetTests(ITestOutputHelper output)
{
    /// <summary>Far above the host's shutdown time (30 s): only a hang exceeds it.</summary>
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_embedded_hub_stopped_while_a_target_fails_exits_0_and_delivers_the_change_after_the_restart()
    {
        using var target = new SyncTarget();
        await using var embedded = await EmbeddedHub.StartAsync(target.Settings());
        target.Answers(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "60"));

        using var response = await embedded.Sender.SendAsync(SignedWebhookSender.Identify(1, 1));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitUntilCalledAsync(target);

        var exitCode = await embedded.Hub.TerminateAsync(ExitBound);
        output.WriteLine(embedded.Hub.Output[^Math.Min(3000, embedded.Hub.Output.Length)..]);
        Assert.Equal(0, exitCode);

        target.Answers(Response.Create().WithStatusCode(200));
        await embedded.RestartAsync();
        await target.AssertHasLatestVersionsAsync(embedded.CustomerVersionsAsync, output);
    }

    [Fact]
    public async Task A_production_hub_stopped_while_a_target_fails_exits_0_and_delivers_the_change_after_the_restart()
    {
        using var target = new SyncTarget();
        await using var production = await ProductionHub.StartAsync(target.Settings());
        target.Answers(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "60"));

        using var response = await production.Sender.SendAsync(SignedWebhookSender.Identify(1, 1));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitUntilCalledAsync(target);

        var exitCode = await production.Hub.TerminateAsync(ExitBound);
        output.WriteLine(production.Hub.Output[^Math.Min(3000, production.Hub.Output.Length)..]);
        Assert.Equal(0, exitCode);

        target.Answers(Response.Create().WithStatusCode(200));
        await production.RestartAsync(0);
        await target.AssertHasLatestVersionsAsync(production.CustomerVersionsAsync, output);
    }

    /// <summary>The change is in the hands of the target's consumer once the target got a request for it.</summary>
    private static async Task WaitUntilCalledAsync(SyncTarget target)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!target.Server.LogEntries.Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.NotEmpty(target.Server.LogEntries);
    }
}
