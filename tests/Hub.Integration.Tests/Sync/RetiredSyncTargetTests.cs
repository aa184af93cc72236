using System.Net;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using RabbitMQ.Client.Exceptions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Sync;

/// <summary>
/// An instance that stops being a sync target (its TargetUrl cleared in the admin UI) has no queue collecting changes
/// any more: on RabbitMQ its queue is unbound and deleted, on the in-memory bus what arrives is dropped. A customer
/// changed meanwhile does not reach it as a stale backlog when it becomes a target again; changes made after that do.
/// A second target, crm4, shows when a change has been published to the targets.
/// </summary>
public sealed class RetiredSyncTargetTests : IDisposable
{
    private const string Retired = "crm3";
    private const string Staying = "crm4";
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly WireMockServer _crm = WireMockServer.Start();

    public RetiredSyncTargetTests() =>
        _crm.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

    private Dictionary<string, string> Settings => new(AdminForms.FirstAdminSettings)
    {
        ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Hub:Outbound:RetryDelay"] = "00:00:00.050",
        ["Logging:LogLevel:Hub"] = "Information",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task In_production_mode_the_queue_of_an_instance_that_stopped_being_a_target_is_deleted_and_collects_nothing(bool quorumQueues)
    {
        var hub = await ProductionHub.StartAsync(new Dictionary<string, string>(Settings) { ["Hub:Bus:QuorumQueues"] = quorumQueues ? "true" : "false" });
        try
        {
            await RetireAndReturnAsync(hub.Hub, hub.Sender, async () =>
            {
                // Unbound and deleted: the change crm4 got never landed in it.
                await EventuallyAsync(async () => !await QueueExistsAsync(hub.BrokerUri, "hub-sync-" + Retired), $"hub-sync-{Retired} deleted");
            });
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task In_embedded_mode_what_arrives_for_an_instance_that_stopped_being_a_target_is_not_kept_for_it()
    {
        await using var hub = await EmbeddedHub.StartAsync(Settings);
        await RetireAndReturnAsync(hub.Hub, hub.Sender, () => Task.CompletedTask);
    }

    public void Dispose() => _crm.Dispose();

    private async Task RetireAndReturnAsync(HubProcess hub, SignedWebhookSender sender, Func<Task> whileRetired)
    {
        using var admin = await AdminForms.SignInAsync(hub);
        await admin.AddConnectorAsync(Retired, "webhooks", TargetSettings(Retired));
        await admin.AddConnectorAsync(Staying, "webhooks", TargetSettings(Staying));
        await SendAsync(sender, 1);
        await EventuallyAsync(() => Delivered(Retired, 1) && Delivered(Staying, 1), "person 1 at both targets");

        await admin.EditConnectorAsync(Retired, "webhooks", new Dictionary<string, string> { ["Secret"] = Secret, ["TargetUrl"] = "", ["TargetSecret"] = Secret });
        await EventuallyAsync(() => hub.Output.Contains($"Stopped the sync queue of connector instance '{Retired}'", StringComparison.Ordinal), $"the sync queue of {Retired} stopped");
        await SendAsync(sender, 2);
        await EventuallyAsync(() => Delivered(Staying, 2), "person 2 at the target that stayed");
        await whileRetired();

        await admin.EditConnectorAsync(Retired, "webhooks", TargetSettings(Retired));
        // Its queue is bound again once its endpoint has started: changes from then on reach it.
        var person = 3;
        await SendAsync(sender, person);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Enumerable.Range(3, person - 2).Any(p => Delivered(Retired, p)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            await SendAsync(sender, ++person);
        }
        Assert.True(Enumerable.Range(3, person - 2).Any(p => Delivered(Retired, p)), $"{Retired} got no change after it became a target again.");
        await EventuallyAsync(() => Delivered(Staying, person), $"person {person} at the target that stayed");

        Assert.False(Delivered(Retired, 2), $"{Retired} got the change made while it was no sync target.");
    }

    private Dictionary<string, string> TargetSettings(string id) => new()
    {
        ["Secret"] = Secret,
        ["TargetUrl"] = $"http://127.0.0.1:{_crm.Port}/{id}",
        ["TargetSecret"] = Secret,
    };

    private static async Task SendAsync(SignedWebhookSender sender, int person)
    {
        using var response = await sender.SendAsync(SignedWebhookSender.Identify(person, 1000));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private bool Delivered(string target, int person) =>
        _crm.LogEntries.Any(e => e.RequestMessage?.Path == "/" + target
            && e.RequestMessage.Body?.Contains($"person{person}@example.com", StringComparison.OrdinalIgnoreCase) == true);

    private static async Task<bool> QueueExistsAsync(Uri broker, string queue)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }

    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) => Eventually.HoldsAsync(condition, what, TimeSpan.FromSeconds(60));

    private static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);
}
