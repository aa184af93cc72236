using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.FailedMessages;

/// <summary>
/// A webhook receiver that answers <c>410 Gone</c> wants no more webhooks (Standard Webhooks): the change is parked as a
/// failed message saying so, and the hub sends that target nothing more for a while; later changes are parked unsent.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class GoneTargetTests : IAsyncLifetime
{
    private const string TargetInstance = "crm2";
    private readonly WireMockServer _target = WireMockServer.Start();
    private EmbeddedHub _hub = null!;

    public async Task InitializeAsync()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(410).WithBody("endpoint disabled by its owner"));
        _hub = await EmbeddedHub.StartAsync(new Dictionary<string, string>(UnallowedTargetScenario.QuickResolutionRetries)
        {
            [$"Hub:Connectors:{TargetInstance}:Kind"] = "webhooks",
            [$"Hub:Connectors:{TargetInstance}:Secret"] = SignedWebhookSender.ExampleSecret,
            [$"Hub:Connectors:{TargetInstance}:TargetUrl"] = $"http://127.0.0.1:{_target.Port}/hub-events",
            [$"Hub:Connectors:{TargetInstance}:TargetSecret"] = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
        });
    }

    [Fact]
    public async Task A_gone_target_parks_the_change_with_the_reason_and_gets_no_later_change()
    {
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 1);

        var failed = await UnallowedTargetScenario.WaitForOneFailedAsync(_hub.Hub.Client);
        Assert.Equal("hub-sync-crm2", failed.GetProperty("queue").GetString());
        var reason = failed.GetProperty("reason").GetString();
        Assert.Contains("410 Gone", reason, StringComparison.Ordinal);
        Assert.Contains("endpoint disabled by its owner", reason, StringComparison.Ordinal);
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());

        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 2);
        await EventuallyAsync(async () => (await UnallowedTargetScenario.FailedAsync(_hub.Hub.Client)).Count == 2, "the later change parked too");
        Assert.Single(_target.LogEntries);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _target.Dispose();
    }
}
