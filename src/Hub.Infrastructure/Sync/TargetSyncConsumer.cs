using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Connectors;
using MassTransit;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Takes customer changes queued one per message for one target instance (the one whose queue they arrived on) in
/// batches and hands them to <see cref="TargetSync"/>: changes queued before the relay published them in groups
/// (<see cref="TargetSyncGroupConsumer"/>), and single changes an operator replays from the failed messages.
/// </summary>
internal sealed class TargetSyncConsumer(ConnectorInstances instances, TargetSync sync) : IConsumer<Batch<CustomerUpdated>>
{
    public const int BatchSize = 50;

    /// <summary>How long a batch waits to fill for a target that takes many changes per call.</summary>
    public static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(200);

    /// <summary>The same for a target called once per change: the window only gathers what is already queued.</summary>
    public static readonly TimeSpan SingleCallBatchTime = TimeSpan.FromMilliseconds(10);

    public async Task Consume(ConsumeContext<Batch<CustomerUpdated>> context)
    {
        var instanceId = SyncEndpoints.InstanceIdFrom(context.ReceiveContext.InputAddress);
        if (instances.TryGet(instanceId, out var instance, out var connector) && connector is ISyncTarget target)
        {
            await sync.PushAsync(instance, target, [.. context.Message.Select(m => m.Message)], context.CancellationToken);
        }
    }
}
