using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Messaging;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.RelationshipHealth;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Applies a batch of touchpoints in one transaction: identity resolution, master records, timelines,
/// and the events announcing the changes (outbox). A conflicting concurrent write (another process
/// touched the same customer or identifier) fails the transaction, and the batch is retried.
/// </summary>
internal sealed class ResolutionConsumer(
    HubDbContext db, IdentityRules rules, SurvivorshipRules survivorship, BusOptions bus, OutboxSignal outboxSignal, TimeProvider time,
    RelationshipHealthOptions healthOptions)
    : IConsumer<Batch<TouchpointReceived>>
{
    public async Task Consume(ConsumeContext<Batch<TouchpointReceived>> context)
    {
        var cancellationToken = context.CancellationToken;
        db.ChangeTracker.Clear();
        var touchpoints = context.Message.Select(m => m.Message).DistinctBy(t => t.TouchpointId).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changes = await new TouchpointResolver(db, rules, survivorship, time, healthOptions).ResolveAsync(touchpoints, cancellationToken);
        await ResolutionEvents.WriteAsync(db, changes, time.GetUtcNow(), cancellationToken);
        if (bus.Transport == BusTransport.InMemory)
        {
            var ids = touchpoints.Select(t => t.TouchpointId).ToList();
            await db.IngressBuffer.Where(b => ids.Contains(b.TouchpointId)).ExecuteDeleteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
    }
}
