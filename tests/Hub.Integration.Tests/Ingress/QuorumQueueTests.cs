using Hub.Integration.Tests.Faults;
using Hub.Integration.Tests.Hosting;
using Hub.Integration.Tests.Telemetry;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Hub.Integration.Tests.Ingress;

/// <summary><c>Hub:Bus:QuorumQueues</c>: the hub declares its queues as quorum queues on a fresh virtual host.</summary>
[Collection(ObservedHubCollection.Name)]
public sealed class QuorumQueueTests(ObservedHub observed)
{
    [Fact]
    public async Task With_quorum_queues_on_the_resolution_and_sync_queues_are_quorum_queues_and_webhooks_land_and_sync()
    {
        var hub = observed.Hub;
        var before = await hub.CountAsync("timeline");

        using var response = await hub.Sender.SendAsync(Hub.Testing.Servers.SignedWebhookSender.Identify(9001, 9002));
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(before + 1, await hub.WaitForCountAsync("timeline", before + 1));
        await WaitForDeliveryAsync(observed.Target);

        foreach (var queue in new[] { "hub-resolution", $"hub-sync-{SyncTarget.InstanceId}" })
        {
            Assert.True(await IsQuorumQueueAsync(hub, queue), $"{queue} is not a quorum queue");
        }
    }

    private static async Task WaitForDeliveryAsync(SyncTarget target)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!target.Server.LogEntries.Any(e => e.RequestMessage!.Body?.Contains("Person9001@Example.com", StringComparison.OrdinalIgnoreCase) == true)
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Contains(target.Server.LogEntries, e => e.RequestMessage!.Body?.Contains("Person9001@Example.com", StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <summary>
    /// AMQP cannot read a queue's type, but re-declaring a queue with another type is refused (406): declaring it as
    /// a quorum queue succeeds only when it is one.
    /// </summary>
    private static async Task<bool> IsQuorumQueueAsync(ProductionHub hub, string queue)
    {
        var factory = new ConnectionFactory { Uri = hub.BrokerUri };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var type in new[] { "classic", "quorum" })
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = type }, passive: false);
                return type == "quorum";
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 406)
            {
                // Declared with another type: try the next.
            }
        }
        return false;
    }
}
