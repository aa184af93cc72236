using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Telemetry;
using MassTransit;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Pushes the customer changes queued for one target instance (the one whose queue they arrived on), after
/// the echo check: versions the target already received, and changes the target itself caused, are skipped,
/// and of several queued versions of one customer only the newest goes out (each carries the whole record).
/// An <see cref="IBatchSyncTarget"/> gets them in one call, any other target one call per customer, in order.
/// The checkpoints are read and written once per batch, not once per change.
/// </summary>
internal sealed class TargetSyncConsumer(ConnectorInstances instances, SyncCheckpoints checkpoints, HubMetrics metrics, TimeProvider time)
    : IConsumer<Batch<CustomerUpdated>>
{
    public const int BatchSize = 50;

    /// <summary>How long a batch waits to fill for a target that takes many changes per call.</summary>
    public static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(200);

    /// <summary>The same for a target called once per change: the window only gathers what is already queued.</summary>
    public static readonly TimeSpan SingleCallBatchTime = TimeSpan.FromMilliseconds(10);

    public async Task Consume(ConsumeContext<Batch<CustomerUpdated>> context)
    {
        var instanceId = SyncEndpoints.InstanceIdFrom(context.ReceiveContext.InputAddress);
        if (!instances.TryGet(instanceId, out var instance, out var connector) || connector is not ISyncTarget target)
        {
            return;
        }
        var cancellationToken = context.CancellationToken;
        var plan = await checkpoints.PlanAsync(instance, [.. context.Message.Select(m => m.Message)], cancellationToken);
        if (target is IBatchSyncTarget batchTarget)
        {
            await PushBatchAsync(batchTarget, instance, plan, cancellationToken);
            return;
        }
        var results = new List<SyncResult>();
        try
        {
            foreach (var change in plan.ToPush)
            {
                results.Add(await TargetBackOff.CallAsync(token => target.PushAsync(change, instance, token), time, cancellationToken));
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.SyncCompleted(instance.Id, "failed", plan.ToPush.Count - results.Count);
            // What the target took before the failure is recorded, so the retry does not send it again.
            await checkpoints.CompleteAsync(instance, plan with { ToPush = [.. plan.ToPush.Take(results.Count)] }, results, CancellationToken.None);
            throw;
        }
        await checkpoints.CompleteAsync(instance, plan, results, cancellationToken);
    }

    private async Task PushBatchAsync(IBatchSyncTarget target, ConnectorInstance instance, SyncPlan plan, CancellationToken cancellationToken)
    {
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
