using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Connectors;
using MassTransit;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Takes the groups of customer changes the outbox relay published (<see cref="CustomerUpdateGroup"/>) from one target
/// instance's queue and hands them to <see cref="TargetSync"/> as one batch, in queue order: up to
/// <see cref="GroupsPerBatch"/> groups, gathered for as long as the target's batch window (so a target that takes many
/// changes per call, such as Salesforce, still gets few calls when changes trickle in one group at a time).
/// </summary>
internal sealed class TargetSyncGroupConsumer(ConnectorInstances instances, TargetSync sync) : IConsumer<Batch<CustomerUpdateGroup>>
{
    /// <summary>
    /// As many messages as <see cref="TargetSyncConsumer.BatchSize"/>: when changes trickle in, the relay's groups are
    /// small (one or two changes), and a batch should not hold fewer changes than a batch of single ones did. Under load
    /// the groups are full, so a batch can hold up to 2,500 changes (Salesforce gets them in calls of 200).
    /// </summary>
    public const int GroupsPerBatch = TargetSyncConsumer.BatchSize;

    public async Task Consume(ConsumeContext<Batch<CustomerUpdateGroup>> context)
    {
        var instanceId = SyncEndpoints.InstanceIdFrom(context.ReceiveContext.InputAddress);
        if (instances.TryGet(instanceId, out var instance, out var connector) && connector is ISyncTarget target)
        {
            await sync.PushAsync(instance, target, [.. context.Message.SelectMany(m => m.Message.Changes)], context.CancellationToken);
        }
    }
}
