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

    /// <summary>
    /// Adds the events and saves the transaction's changes; returns the rows it appended (no longer tracked). The outbox
    /// rows are written under <paramref name="claim"/> where there is one, for the relay they are handed to after the commit.
    /// </summary>
    public static async Task<AppendedRows> WriteAsync(HubDbContext db, ResolutionChanges changes, DateTimeOffset now, OutboxClaim? claim, CancellationToken cancellationToken)
    {
        // RecordedAt is as close to the commit as the transaction allows, so ReceivedAt to RecordedAt is the real latency.
        foreach (var entry in db.ChangeTracker.AsTracked<TimelineEntryRow>().Where(e => e.State == EntityState.Added))
        {
            entry.Entity.RecordedAt = now;
        }
        var mergedInto = MergedInto(changes);
        foreach (var survivorId in mergedInto.Keys)
        {
            changes.For(survivorId).Fields.Add("identifiers");
        }
        // The surviving customers the transaction changed; those the resolver tracks are as the one SaveChanges below writes them.
        var splitOff = changes.Splits.GroupBy(s => s.CustomerId).ToDictionary(g => g.Key, g => g.SelectMany(s => s.Restored).Distinct().Order().ToList());
        var splitFrom = changes.Splits.SelectMany(s => s.Restored.Select(restored => (restored, s.CustomerId))).ToDictionary(p => p.restored, p => p.CustomerId);
        var customers = (await CustomerSnapshots.LoadAsync(db, [.. changes.Customers.Select(c => c.CustomerId)], cancellationToken))
            .Where(c => c.Value.MergedIntoId == null).ToDictionary();
        foreach (var change in changes.Customers.Where(c => customers.ContainsKey(c.CustomerId)))
        {
            var customer = customers[change.CustomerId];
            // The stamp changes with every write to the customer's rows (its observations' counts, say), so that two
            // processes writing one customer cannot both commit; version and announcement only when the record changed.
            customer.Stamp = Guid.NewGuid();
            if (!change.Created && change.Fields.Count == 0)
            {
                continue;
            }
            customer.Version++;
            customer.UpdatedAt = now;
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
                MergedCustomerIds = mergedInto.GetValueOrDefault(customer.Id) ?? [],
                SplitOffCustomerIds = splitOff.GetValueOrDefault(customer.Id) ?? [],
                SplitFromCustomerId = splitFrom.TryGetValue(customer.Id, out var from) ? from : null,
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
        if (claim is not null)
        {
            foreach (var entry in db.ChangeTracker.AsTracked<OutboxMessageRow>().Where(e => e.State == EntityState.Added))
            {
                entry.Entity.ClaimToken = claim.Token;
                entry.Entity.ClaimedUntil = claim.Until;
            }
        }
        return await ResolutionRows.SaveChangesAsync(db, cancellationToken);
    }

    /// <summary>
    /// Per final survivor, the customers the transaction merged into it: a chain within the transaction (B into A, then
    /// A into C) ends at C for both, since only C's change is announced.
    /// </summary>
    private static Dictionary<Guid, List<Guid>> MergedInto(ResolutionChanges changes)
    {
        var survivorOf = new Dictionary<Guid, Guid>();
        foreach (var (survivorId, mergedId, _) in changes.Merges)
        {
            survivorOf[mergedId] = survivorId;
        }
        return survivorOf.Keys
            .GroupBy(merged =>
            {
                var survivor = survivorOf[merged];
                for (var hop = 0; hop < survivorOf.Count && survivorOf.TryGetValue(survivor, out var next); hop++)
                {
                    survivor = next;
                }
                return survivor;
            })
            .Where(g => !survivorOf.ContainsKey(g.Key))
            .ToDictionary(g => g.Key, g => g.Order().ToList());
    }
}
