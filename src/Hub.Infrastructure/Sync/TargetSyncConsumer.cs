using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Persistence;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Pushes a customer change to one target instance (the one whose queue it arrived on), after the
/// echo check: versions the target already received, and changes the target itself caused, are skipped.
/// </summary>
internal sealed partial class TargetSyncConsumer(
    ConnectorInstances instances,
    HubDbContext db,
    TimeProvider time,
    ILogger<TargetSyncConsumer> logger) : IConsumer<CustomerUpdated>
{
    public async Task Consume(ConsumeContext<CustomerUpdated> context)
    {
        var instanceId = SyncEndpoints.InstanceIdFrom(context.ReceiveContext.InputAddress);
        if (!instances.TryGet(instanceId, out var instance, out var connector) || connector is not ISyncTarget target)
        {
            return;
        }
        var change = context.Message;
        var checkpoint = await db.SyncCheckpoints.FindAsync([instance.Id, change.CustomerId], context.CancellationToken);
        if (checkpoint is not null && checkpoint.DeliveredVersion >= change.Version)
        {
            return;
        }
        if (string.Equals(change.SourceConnectorInstanceId, instance.Id, StringComparison.OrdinalIgnoreCase))
        {
            Record(ref checkpoint, instance.Id, change, externalRecordId: null);
            await db.SaveChangesAsync(context.CancellationToken);
            return;
        }
        var result = await target.PushAsync(change, instance, context.CancellationToken);
        if (!result.Delivered)
        {
            LogRefused(logger, instance.Id, change.CustomerId, change.Version, result.Detail);
            return;
        }
        Record(ref checkpoint, instance.Id, change, result.ExternalRecordId);
        await db.SaveChangesAsync(context.CancellationToken);
    }

    private void Record(ref SyncCheckpointRow? checkpoint, string instanceId, CustomerUpdated change, string? externalRecordId)
    {
        if (checkpoint is null)
        {
            checkpoint = new SyncCheckpointRow { ConnectorInstanceId = instanceId, CustomerId = change.CustomerId };
            db.SyncCheckpoints.Add(checkpoint);
        }
        checkpoint.DeliveredVersion = change.Version;
        checkpoint.ExternalRecordId = externalRecordId ?? checkpoint.ExternalRecordId;
        checkpoint.UpdatedAt = time.GetUtcNow();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync target {InstanceId} refused customer {CustomerId} v{Version}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string instanceId, Guid customerId, long version, string detail);
}
