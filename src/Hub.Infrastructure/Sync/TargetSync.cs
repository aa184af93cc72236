using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Telemetry;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Pushes a batch of customer changes queued for one target instance, after the echo check: versions the target
/// already received, and changes the target itself caused, are skipped, and of several queued versions of one customer
/// only the newest goes out (each carries the whole record). An <see cref="IBatchSyncTarget"/> gets them in one call,
/// any other target one call per customer, in order; an <see cref="IMergeSyncTarget"/> is first told of the merges the
/// changes carry. The checkpoints are read and written once per batch, not once
/// per change, and the whole batch holds the target's <see cref="TargetPushLock"/>.
/// </summary>
internal sealed partial class TargetSync(
    SyncCheckpoints checkpoints, TargetPushLock pushLock, HubMetrics metrics, SyncOptions options, TimeProvider time, ILogger<TargetSync> logger)
{
    public async Task PushAsync(ConnectorInstance instance, ISyncTarget target, IReadOnlyCollection<CustomerUpdated> changes, CancellationToken cancellationToken)
    {
        await using var turn = await pushLock.TakeAsync(instance.Id, cancellationToken);
        var plan = await checkpoints.PlanAsync(instance, changes, cancellationToken);
        if (target is IMergeSyncTarget mergeTarget)
        {
            await AnnounceMergesAsync(mergeTarget, instance, plan, cancellationToken);
        }
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
                results.Add(await TargetBackOff.CallAsync(token => target.PushAsync(change, instance, token), options.TargetWaitBudget, time, cancellationToken));
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

    /// <summary>
    /// Tells the target which customers went into which survivor, before the survivor's change. A transient failure is
    /// thrown (the batch is retried, the merge message again with it); a refusal is logged, and the survivor's change
    /// still goes out.
    /// </summary>
    private async Task AnnounceMergesAsync(IMergeSyncTarget target, ConnectorInstance instance, SyncPlan plan, CancellationToken cancellationToken)
    {
        foreach (var change in plan.Merges)
        {
            var merge = new CustomerMerge
            {
                SurvivorId = change.CustomerId,
                SurvivorVersion = change.Version,
                MergedCustomerIds = change.MergedCustomerIds,
                MergedCustomers = await checkpoints.MergedCustomersAsync(instance.Id, change.MergedCustomerIds, cancellationToken),
                CausedByTouchpointId = change.CausedByTouchpointId,
                OccurredAt = change.OccurredAt,
            };
            var result = await TargetBackOff.CallAsync(token => target.MergeAsync(merge, instance, token), options.TargetWaitBudget, time, cancellationToken);
            if (result.Delivered)
            {
                LogMerged(logger, instance.Id, change.CustomerId, string.Join(", ", change.MergedCustomerIds));
                await checkpoints.RetireMergedAsync(instance.Id, change.MergedCustomerIds, cancellationToken);
            }
            else
            {
                LogMergeRefused(logger, instance.Id, change.CustomerId, string.Join(", ", change.MergedCustomerIds), result.Detail);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync target {InstanceId} was told customers {MergedIds} were merged into {CustomerId}")]
    private static partial void LogMerged(ILogger logger, string instanceId, Guid customerId, string mergedIds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync target {InstanceId} refused the merge of customers {MergedIds} into {CustomerId}: {Detail}")]
    private static partial void LogMergeRefused(ILogger logger, string instanceId, Guid customerId, string mergedIds, string detail);

    private async Task PushBatchAsync(IBatchSyncTarget target, ConnectorInstance instance, SyncPlan plan, CancellationToken cancellationToken)
    {
        IReadOnlyList<SyncResult> results;
        try
        {
            results = plan.ToPush.Count == 0
                ? []
                : await TargetBackOff.CallAsync(token => target.PushBatchAsync(plan.ToPush, instance, token), options.TargetWaitBudget, time, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.SyncCompleted(instance.Id, "failed", plan.ToPush.Count);
            throw;
        }
        await checkpoints.CompleteAsync(instance, plan, results, cancellationToken);
    }
}
