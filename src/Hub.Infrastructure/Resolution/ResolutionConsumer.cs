using System.Text.Json;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Messaging;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Applies a batch of touchpoints in one transaction: skip those already on a timeline, resolve
/// identities, update master records, append to timelines, and write one CustomerUpdated per changed
/// customer to the outbox. A conflicting concurrent write fails the transaction and the batch is retried.
/// </summary>
internal sealed class ResolutionConsumer(HubDbContext db, BusOptions bus, OutboxSignal outboxSignal, TimeProvider time)
    : IConsumer<Batch<TouchpointReceived>>
{
    public async Task Consume(ConsumeContext<Batch<TouchpointReceived>> context)
    {
        var cancellationToken = context.CancellationToken;
        db.ChangeTracker.Clear();
        var all = context.Message.Select(m => m.Message).DistinctBy(t => t.TouchpointId).ToList();
        var ids = all.Select(t => t.TouchpointId).ToList();
        var now = time.GetUtcNow();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var known = (await db.Timeline.Where(t => ids.Contains(t.TouchpointId)).Select(t => t.TouchpointId).ToListAsync(cancellationToken)).ToHashSet();
        var fresh = all.Where(t => !known.Contains(t.TouchpointId)).OrderBy(t => t.OccurredAt).ThenBy(t => t.TouchpointId).ToList();
        var workingSet = await CustomerWorkingSet.LoadAsync(db, fresh.SelectMany(t => t.Identities), cancellationToken);
        foreach (var touchpoint in fresh)
        {
            var customer = workingSet.Apply(touchpoint, now);
            db.Timeline.Add(TimelineEntry(touchpoint, customer?.Id));
        }
        foreach (var change in workingSet.Changes)
        {
            change.Customer.Version++;
            change.Customer.UpdatedAt = now;
            OutboxMessages.Add(db, change.ToMessage(now), now);
        }
        await db.SaveChangesAsync(cancellationToken);
        if (bus.Transport == BusTransport.InMemory)
        {
            await db.IngressBuffer.Where(b => ids.Contains(b.TouchpointId)).ExecuteDeleteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
    }

    private static TimelineEntryRow TimelineEntry(TouchpointReceived touchpoint, Guid? customerId) => new()
    {
        TouchpointId = touchpoint.TouchpointId,
        CustomerId = customerId,
        ConnectorInstanceId = touchpoint.ConnectorInstanceId,
        SourceEventId = touchpoint.SourceEventId,
        Channel = touchpoint.Channel,
        Type = touchpoint.Type,
        Direction = touchpoint.Direction.ToString().ToLowerInvariant(),
        OccurredAt = touchpoint.OccurredAt,
        ReceivedAt = touchpoint.ReceivedAt,
        Summary = touchpoint.Summary,
        ContentReference = touchpoint.ContentReference,
        Body = JsonSerializer.Serialize(touchpoint, JsonSerializerOptions.Web),
    };
}
