using System.Text.Json;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Announces the touchpoints a resolution transaction appended to timelines, one <see cref="TouchpointAppended"/>
/// each, through that transaction's outbox, for the sync targets that record touchpoints. Where no configured
/// instance is an <see cref="ITouchpointSyncTarget"/> it writes nothing and runs no query.
/// </summary>
internal static class TouchpointFanout
{
    public static async Task AddAsync(HubDbContext db, IReadOnlyList<Guid> touchpointIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (touchpointIds.Count == 0 || !HasTouchpointTargets(db))
        {
            return;
        }
        // The resolver's own rows are tracked, about to be saved; a replay saves and clears the tracker, so read the rest.
        var wanted = touchpointIds.ToHashSet();
        var entries = db.ChangeTracker.AsTracked<TimelineEntryRow>()
            .Where(e => wanted.Contains(e.Entity.TouchpointId) && e.State is EntityState.Added or EntityState.Unchanged or EntityState.Modified)
            .Select(e => e.Entity)
            .ToList();
        var untracked = wanted.Except(entries.Select(e => e.TouchpointId)).ToList();
        if (untracked.Count > 0)
        {
            entries.AddRange(await db.Timeline.AsNoTracking().WhereKeyIn(t => t.TouchpointId, untracked).ToListAsync(cancellationToken));
        }
        entries = [.. entries.Where(e => e.CustomerId != null)];
        if (entries.Count == 0)
        {
            return;
        }
        var customers = await SnapshotsAsync(db, [.. entries.Select(e => e.CustomerId!.Value).Distinct()], cancellationToken);
        var order = touchpointIds.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        foreach (var entry in entries.OrderBy(e => order[e.TouchpointId]))
        {
            if (customers.TryGetValue(entry.CustomerId!.Value, out var customer))
            {
                var touchpoint = JsonSerializer.Deserialize<TouchpointReceived>(entry.Body, JsonSerializerOptions.Web)!;
                OutboxMessages.Add(db, new TouchpointAppended { Touchpoint = touchpoint, CustomerId = entry.CustomerId.Value, Customer = customer }, now);
            }
        }
    }

    /// <summary>ResolutionEvents has already loaded and versioned the customers it changed: those tracked rows are used as they are.</summary>
    private static async Task<Dictionary<Guid, CustomerSnapshot>> SnapshotsAsync(HubDbContext db, List<Guid> ids, CancellationToken cancellationToken) =>
        (await CustomerSnapshots.LoadAsync(db, ids, cancellationToken)).ToDictionary(r => r.Key, r => CustomerSnapshots.From(r.Value));

    /// <summary>
    /// ResolutionEvents is called with the DbContext only; the connector configuration is a singleton of the
    /// application container the context was created from. A context made by hand (tests) has none: no targets.
    /// </summary>
    private static bool HasTouchpointTargets(HubDbContext db)
    {
        var services = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        return services?.GetService<ConnectorInstances>() is { } instances
            && instances.All.Any(i => instances.TryGet(i.Id, out _, out var connector) && connector is ITouchpointSyncTarget);
    }
}
