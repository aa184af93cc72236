using System.Text.Json;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// A source that withdraws content (an X post deleted) sends a touchpoint naming the one withdrawn; the withdrawn
/// touchpoint stays on the timeline, as the fact that it happened, but without its text. Either may arrive first:
/// a withdrawal stored earlier is found by its index when the withdrawn touchpoint lands later.
/// </summary>
internal static class TimelineWithdrawals
{
    public static async Task ApplyAsync(HubDbContext db, IReadOnlyList<TouchpointReceived> fresh, CancellationToken cancellationToken)
    {
        var targets = fresh.Select(t => t.WithdrawsTouchpointId).OfType<Guid>().ToHashSet();
        var freshIds = fresh.Select(t => t.TouchpointId).ToList();
        targets.UnionWith(await db.Timeline.AsNoTracking()
            .Where(t => t.WithdrawsTouchpointId != null && freshIds.Contains(t.WithdrawsTouchpointId.Value))
            .Select(t => t.WithdrawsTouchpointId!.Value).ToListAsync(cancellationToken));
        if (targets.Count == 0)
        {
            return;
        }
        var tracked = db.ChangeTracker.AsTracked<TimelineEntryRow>().Select(e => e.Entity).Where(t => targets.Contains(t.TouchpointId)).ToList();
        var missing = targets.Except(tracked.Select(t => t.TouchpointId)).ToList();
        tracked.AddRange(await db.Timeline.Where(t => missing.Contains(t.TouchpointId)).ToListAsync(cancellationToken));
        foreach (var entry in tracked.Where(t => !t.Withdrawn))
        {
            Withdraw(entry);
        }
    }

    private static void Withdraw(TimelineEntryRow entry)
    {
        var touchpoint = JsonSerializer.Deserialize<TouchpointReceived>(entry.Body, JsonSerializerOptions.Web)!;
        entry.Body = JsonSerializer.Serialize(touchpoint with { Summary = null, ContentReference = null, Details = new Dictionary<string, string>() }, JsonSerializerOptions.Web);
        entry.Summary = null;
        entry.ContentReference = null;
        entry.Withdrawn = true;
    }
}
