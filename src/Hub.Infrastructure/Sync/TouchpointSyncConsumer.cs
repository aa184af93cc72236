using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Connectors;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Hands a touchpoint appended to a timeline to one target that records touchpoints (the one whose queue it
/// arrived on), unless it came through that very instance, with the customer's record id there as last recorded.
/// A record id or identifier the target reports back is recorded and linked as after a customer push. A touchpoint of
/// a customer erased since it was queued is not handed over (the erasure froze the customer's checkpoints): the target
/// could otherwise write the person back, a Contact created for a Task, say. The check and the push hold the target's
/// <see cref="TargetPushLock"/>, which the erasure's call to the target takes too.
/// </summary>
internal sealed partial class TouchpointSyncConsumer(
    ConnectorInstances instances, SyncCheckpoints checkpoints, TargetPushLock pushLock, ExternalIdentifierLinks links, SyncOptions options,
    TimeProvider time, ILogger<TouchpointSyncConsumer> logger)
    : IConsumer<TouchpointAppended>
{
    public async Task Consume(ConsumeContext<TouchpointAppended> context)
    {
        var instanceId = SyncEndpoints.InstanceIdFrom(context.ReceiveContext.InputAddress);
        var appended = context.Message;
        if (!instances.TryGet(instanceId, out var instance, out var connector) || connector is not ITouchpointSyncTarget target
            || string.Equals(appended.Touchpoint.ConnectorInstanceId, instance.Id, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var cancellationToken = context.CancellationToken;
        await using var turn = await pushLock.TakeAsync(instance.Id, cancellationToken);
        var (erased, recordId) = await checkpoints.TouchpointStateAsync(instance.Id, appended.CustomerId, cancellationToken);
        if (erased)
        {
            LogErased(logger, instance.Id, appended.Touchpoint.TouchpointId, appended.CustomerId);
            return;
        }
        var touchpoint = new CustomerTouchpoint { Touchpoint = appended.Touchpoint, Customer = appended.Customer, ExternalRecordId = recordId };
        var result = await TargetBackOff.CallAsync(token => target.PushTouchpointAsync(touchpoint, instance, token), options.TargetWaitBudget, time, cancellationToken);
        if (!result.Delivered)
        {
            LogRefused(logger, instance.Id, appended.Touchpoint.TouchpointId, appended.CustomerId, result.Detail);
            return;
        }
        await links.LinkAsync(instance, [new ExternalIdentifierLink(appended.Customer, result, appended.Customer.UpdatedAt)], cancellationToken);
        if (result.ExternalRecordId is { } reported && reported != recordId)
        {
            await checkpoints.RecordAsync(instance.Id, [new SyncDelivery(appended.CustomerId, 0, reported)], cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Touchpoint {TouchpointId} not handed to sync target {InstanceId}: customer {CustomerId} was erased")]
    private static partial void LogErased(ILogger logger, string instanceId, Guid touchpointId, Guid customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync target {InstanceId} refused touchpoint {TouchpointId} of customer {CustomerId}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string instanceId, Guid touchpointId, Guid customerId, string detail);
}
