using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Telemetry;
using MassTransit;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// For targets that write many changes in one call (<see cref="IBatchSyncTarget"/>): the changes queued for the
/// target, after the same checks as <see cref="TargetSyncConsumer"/>, go out in one
/// <see cref="IBatchSyncTarget.PushBatchAsync"/>, the newest version of each customer only.
/// </summary>
internal sealed class BatchTargetSyncConsumer(ConnectorInstances instances, SyncCheckpoints checkpoints, HubMetrics metrics, TimeProvider time) : IConsumer<Batch<CustomerUpdated>>
{
    public const int BatchSize = 50;
    public static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(200);

    public async Task Consume(ConsumeContext<Batch<CustomerUpdated>> context)
    {
        var instanceId = SyncEndpoints.InstanceIdFrom(context.ReceiveContext.InputAddress);
        if (!instances.TryGet(instanceId, out var instance, out var connector) || connector is not IBatchSyncTarget target)
        {
            return;
        }
        var cancellationToken = context.CancellationToken;
        var plan = await checkpoints.PlanAsync(instance, [.. context.Message.Select(m => m.Message)], cancellationToken);
        IReadOnlyList<SyncResult> results;
        try
        {
            results = plan.ToPush.Count == 0
                ? []
                : await TargetBackOff.CallAsync(token => target.PushBatchAsync(plan.ToPush, instance, token), time, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.SyncCompleted(instance.Id, "failed", plan.ToPush.Count);
            throw;
        }
        await checkpoints.CompleteAsync(instance, plan, results, cancellationToken);
    }
}
