using Hub.Core.RelationshipHealth;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.RelationshipHealth;

/// <summary>
/// After a component replay moved touchpoints between customers (merge protection, an admin's split), the health
/// of exactly those customers is computed again from their own timeline entries (the customer index), and the
/// customers the replay merged away lose theirs. Rare, and bounded by the component, never the whole timeline.
/// </summary>
internal static class HealthRebuild
{
    public static async Task RunAsync(HubDbContext db, IReadOnlyCollection<Guid> active, IReadOnlyCollection<Guid> mergedAway, CancellationToken cancellationToken)
    {
        var merged = mergedAway.ToList();
        if (merged.Count > 0)
        {
            await db.CustomerHealth.Where(h => merged.Contains(h.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        }
        var ids = active.ToList();
        if (ids.Count == 0)
        {
            return;
        }
        var states = await FromTimelineAsync(db, ids, cancellationToken);
        var rows = await db.CustomerHealth.Where(h => ids.Contains(h.CustomerId)).ToDictionaryAsync(h => h.CustomerId, cancellationToken);
        foreach (var (id, state) in states)
        {
            if (!rows.TryGetValue(id, out var row))
            {
                row = new CustomerHealthRow { CustomerId = id, State = [] };
                db.CustomerHealth.Add(row);
            }
            HealthRecord.Write(row, state);
        }
    }

    /// <summary>The state of each customer computed from its stored timeline entries, through the timeline's customer index.</summary>
    public static async Task<Dictionary<Guid, HealthState>> FromTimelineAsync(HubDbContext db, IReadOnlyCollection<Guid> customerIds, CancellationToken cancellationToken)
    {
        var ids = customerIds.ToList();
        var entries = await db.Timeline.AsNoTracking().Where(t => t.CustomerId != null && ids.Contains(t.CustomerId.Value))
            .Select(t => new { CustomerId = t.CustomerId!.Value, t.Channel, t.Type, t.Direction, t.OccurredAt, t.ContentReference, t.SourceEventId })
            .ToListAsync(cancellationToken);
        var timelines = entries.ToLookup(e => e.CustomerId);
        return ids.ToDictionary(id => id, id => HealthState.From(timelines[id]
            .Select(e => HealthTouchpoint.Of(e.Channel, e.Type, e.Direction, e.OccurredAt, e.ContentReference, e.SourceEventId))));
    }
}
