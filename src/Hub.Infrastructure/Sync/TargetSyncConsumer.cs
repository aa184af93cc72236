using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Telemetry;
using MassTransit;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Pushes a customer change to one target instance (the one whose queue it arrived on), after the
/// echo check: versions the target already received, and changes the target itself caused, are skipped.
/// </summary>
internal sealed class TargetSyncConsumer(ConnectorInstances instances, SyncCheckpoints checkpoints, HubMetrics metrics, TimeProvider time) : IConsumer<CustomerUpdated>
{
    public async Task Consume(ConsumeContext<CustomerUpdated> context)
    {
        var instanceId = SyncEndpoints.InstanceIdFrom(context.ReceiveContext.InputAddress);
        if (!instances.TryGet(instanceId, out var instance, out var connector) || connector is not ISyncTarget target)
        {
            return;
        }
        var cancellationToken = context.CancellationToken;
        var plan = await checkpoints.PlanAsync(instance, [context.Message], cancellationToken);
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
            throw;
        }
        await checkpoints.CompleteAsync(instance, plan, results, cancellationToken);
    }
}
