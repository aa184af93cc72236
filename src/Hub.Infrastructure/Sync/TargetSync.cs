using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Telemetry;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Pushes a batch of customer changes queued for one target instance, after the echo check: versions the target
/// already received, and changes the target itself caused, are skipped, and of several queued versions of one customer
/// only the newest goes out (each carries the whole record). An <see cref="IBatchSyncTarget"/> gets them in one call,
/// any other target one call per customer, in order. The checkpoints are read and written once per batch, not once
/// per change, and the whole batch holds the target's <see cref="TargetPushLock"/>.
/// </summary>
internal sealed class TargetSync(SyncCheckpoints checkpoints, TargetPushLock pushLock, HubMetrics metrics, TimeProvider time)
{
    public async Task PushAsync(ConnectorInstance instance, ISyncTarget target, IReadOnlyCollection<CustomerUpdated> changes, CancellationToken cancellationToken)
    {
        await using var turn = await pushLock.TakeAsync(instance.Id, cancellationToken);
        var plan = await checkpoints.PlanAsync(instance, changes, cancellationToken);
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
