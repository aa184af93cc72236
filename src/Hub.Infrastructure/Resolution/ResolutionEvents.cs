using Hub.Contracts.Customers;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>Announces what a resolution transaction changed, through the outbox of that same transaction.</summary>
internal static class ResolutionEvents
{
    private static readonly HashSet<string> NotFields = new(StringComparer.Ordinal) { "restored" };

    public static async Task WriteAsync(HubDbContext db, ResolutionChanges changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // RecordedAt is as close to the commit as the transaction allows, so ReceivedAt to RecordedAt is the real latency.
        foreach (var entry in db.ChangeTracker.AsTracked<TimelineEntryRow>().Where(e => e.State == EntityState.Added))
        {
            entry.Entity.RecordedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
        var customers = await ChangedCustomersAsync(db, changes, cancellationToken);
        foreach (var change in changes.Customers.Where(c => customers.ContainsKey(c.CustomerId)))
        {
            var customer = customers[change.CustomerId];
            customer.Version++;
            customer.UpdatedAt = now;
            customer.Stamp = Guid.NewGuid();
            var snapshot = CustomerSnapshots.From(customer);
            if (change.Created)
            {
                OutboxMessages.Add(db, new CustomerCreated { CustomerId = customer.Id, Customer = snapshot, CausedByTouchpointId = change.LastTouchpointId, OccurredAt = now }, now);
            }
            OutboxMessages.Add(db, new CustomerUpdated
            {
                CustomerId = customer.Id,
                Version = customer.Version,
                ChangedFields = [.. (change.Created ? snapshot.Fields.Keys.Append("identifiers") : change.Fields).Where(f => !NotFields.Contains(f)).Distinct().Order(StringComparer.Ordinal)],
                Customer = snapshot,
                SourceConnectorInstanceId = change.Sources.Count == 1 ? change.Sources.First() : null,
                CausedByTouchpointId = change.LastTouchpointId,
                OccurredAt = now,
            }, now);
        }
        foreach (var merge in changes.Merges.GroupBy(m => (m.SurvivorId, m.TouchpointId)))
        {
            OutboxMessages.Add(db, new CustomersMerged
            {
                SurvivorId = merge.Key.SurvivorId,
                MergedIds = [.. merge.Select(m => m.MergedId)],
                CausedByTouchpointId = merge.Key.TouchpointId,
                OccurredAt = now,
            }, now);
        }
        foreach (var split in changes.Splits)
        {
            OutboxMessages.Add(db, new CustomerSplit { CustomerId = split.CustomerId, RestoredCustomerIds = split.Restored, Actor = split.Actor, OccurredAt = now }, now);
        }
        await TouchpointFanout.AddAsync(db, changes.NewTouchpointIds, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The surviving customers the transaction changed, with identifiers and fields. Those the resolver still
    /// tracks with both loaded are as the first SaveChanges just wrote them, so only the others are read.
    /// </summary>
    private static async Task<Dictionary<Guid, CustomerRow>> ChangedCustomersAsync(HubDbContext db, ResolutionChanges changes, CancellationToken cancellationToken)
    {
        var wanted = changes.Customers.Select(c => c.CustomerId).ToHashSet();
        var customers = db.ChangeTracker.AsTracked<CustomerRow>()
            .Where(e => wanted.Contains(e.Entity.Id) && e.State == EntityState.Unchanged
                && e.Collection(c => c.Identifiers).IsLoaded && e.Collection(c => c.Fields).IsLoaded)
            .ToDictionary(e => e.Entity.Id, e => e.Entity);
        var missing = wanted.Where(id => !customers.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var row in await db.Customers.Include(c => c.Identifiers).Include(c => c.Fields).AsSplitQuery()
                .Where(c => missing.Contains(c.Id)).ToListAsync(cancellationToken))
            {
                customers[row.Id] = row;
            }
        }
        return customers.Where(c => c.Value.MergedIntoId == null).ToDictionary();
    }
}
