using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Connectors;
using MassTransit;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Takes the groups of customer changes the outbox relay published (<see cref="CustomerUpdateGroup"/>) from one target
/// instance's queue, one group at a time, and hands each to <see cref="TargetSync"/> as one batch.
/// </summary>
internal sealed class TargetSyncGroupConsumer(ConnectorInstances instances, TargetSync sync) : IConsumer<CustomerUpdateGroup>
{
    public async Task Consume(ConsumeContext<CustomerUpdateGroup> context)
    {
        var instanceId = SyncEndpoints.InstanceIdFrom(context.ReceiveContext.InputAddress);
        if (instances.TryGet(instanceId, out var instance, out var connector) && connector is ISyncTarget target)
        {
            await sync.PushAsync(instance, target, context.Message.Changes, context.CancellationToken);
        }
    }
}
