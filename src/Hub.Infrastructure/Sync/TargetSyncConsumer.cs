using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Connectors;
using MassTransit;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Takes the customer changes queued for one target instance (the one whose queue they arrived on) in batches and hands
/// each batch to <see cref="TargetSync"/>, in queue order: the groups the outbox relay publishes
/// (<see cref="CustomerUpdateGroup"/>), and changes queued one per message (before the relay published groups, or a single
/// change an operator replays from the failed messages). A batch is up to <see cref="BatchSize"/> messages, gathered for
/// the target's batch window: when changes trickle in, the groups are small (one or two changes), and a target that
/// takes many changes per call (Salesforce) should still get few calls. Under load the groups are full, so a batch of
/// groups can hold up to 2,500 changes (Salesforce gets them in calls of 200).
/// </summary>
internal sealed class TargetSyncConsumer(ConnectorInstances instances, TargetSync sync)
    : IConsumer<Batch<CustomerUpdateGroup>>, IConsumer<Batch<CustomerUpdated>>
{
    public const int BatchSize = 50;

    /// <summary>How long a batch waits to fill for a target that takes many changes per call.</summary>
    public static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(200);

    /// <summary>The same for a target called once per change: the window only gathers what is already queued.</summary>
    public static readonly TimeSpan SingleCallBatchTime = TimeSpan.FromMilliseconds(10);

    public Task Consume(ConsumeContext<Batch<CustomerUpdateGroup>> context) =>
        PushAsync(context, [.. context.Message.SelectMany(m => m.Message.Changes)]);

    public Task Consume(ConsumeContext<Batch<CustomerUpdated>> context) =>
        PushAsync(context, [.. context.Message.Select(m => m.Message)]);

    private async Task PushAsync(ConsumeContext context, IReadOnlyCollection<CustomerUpdated> changes)
    {
        var instanceId = SyncEndpoints.InstanceIdFrom(context.ReceiveContext.InputAddress);
        // A target that takes no changes (connected inbound only) can still have this queue for touchpoints; its
        // changes are taken off the queue and left alone, so it gets no checkpoints and no sync status.
        if (instances.TryGet(instanceId, out var instance, out var connector) && connector is ISyncTarget target && target.TakesChanges(instance))
        {
            await sync.PushAsync(instance, target, changes, context.CancellationToken);
        }
    }
}
