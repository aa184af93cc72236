using System.Net;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Sync;

/// <summary>
/// A sync target added in the admin UI is stored in the database; after a restart the hub reads it only once the bus
/// has been built, and must still connect its queue: customer changes keep reaching the target.
/// </summary>
public sealed class StoredSyncTargetRestartTests : IDisposable
{
    private const string Target = "crm3";
    private const string TargetSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly WireMockServer _crm = WireMockServer.Start();

    public StoredSyncTargetRestartTests() =>
        _crm.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

    private Dictionary<string, string> Settings => new(AdminForms.FirstAdminSettings)
    {
        ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Hub:Outbound:RetryDelay"] = "00:00:00.050",
    };

    [Fact]
    public async Task In_production_mode_a_sync_target_added_in_the_admin_ui_gets_changes_after_the_hub_restarts()
    {
        var hub = await ProductionHub.StartAsync(Settings);
        try
        {
            await AddTargetAsync(hub.Hub);
            await SendAndExpectDeliveryAsync(hub.Sender, 1, "before the restart");
            await ExpectQueueDepthAsync(hub.Hub);

            await hub.RestartAsync(0);

            await SendAndExpectDeliveryAsync(hub.Sender, 2, "after the restart");
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task In_embedded_mode_a_sync_target_added_in_the_admin_ui_gets_changes_after_the_hub_restarts()
    {
        await using var hub = await EmbeddedHub.StartAsync(Settings);
        await AddTargetAsync(hub.Hub);
        await SendAndExpectDeliveryAsync(hub.Sender, 3, "before the restart");

        await hub.RestartAsync();

        await SendAndExpectDeliveryAsync(hub.Sender, 4, "after the restart");
    }

    public void Dispose() => _crm.Dispose();

    private async Task AddTargetAsync(HubProcess hub)
    {
        using var admin = await AdminForms.SignInAsync(hub);
        await admin.AddConnectorAsync(Target, "webhooks", new Dictionary<string, string>
        {
            ["Secret"] = TargetSecret,
            ["TargetUrl"] = $"http://127.0.0.1:{_crm.Port}/{Target}",
            ["TargetSecret"] = TargetSecret,
        });
    }

    /// <summary>The queue of a target added while the hub runs is among the depths it reports (read every 15 s).</summary>
    private static async Task ExpectQueueDepthAsync(HubProcess hub)
    {
        using var client = new HttpClient { BaseAddress = hub.BaseAddress };
        var label = $"queue=\"hub-sync-{Target}\"";
        bool Reported(string metrics) => metrics.Split('\n').Any(l => l.StartsWith("hub_queue_depth{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));
        var metrics = "";
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (!Reported(metrics) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            metrics = await client.GetStringAsync(new Uri("metrics", UriKind.Relative));
        }
        Assert.True(Reported(metrics), $"No hub_queue_depth for hub-sync-{Target} on /metrics.");
    }

    private async Task SendAndExpectDeliveryAsync(SignedWebhookSender sender, int person, string when)
    {
        using (var response = await sender.SendAsync(SignedWebhookSender.Identify(person, 1000)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var email = $"person{person}@example.com";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Delivered(email) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.True(Delivered(email), $"The stored target {Target} got no change for {email} {when}; it got {_crm.LogEntries.Count()} requests.");
    }

    private bool Delivered(string email) =>
        _crm.LogEntries.Any(e => e.RequestMessage?.Body?.Contains(email, StringComparison.OrdinalIgnoreCase) == true);
}
