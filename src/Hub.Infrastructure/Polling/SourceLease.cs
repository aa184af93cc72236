using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Polling;

/// <summary>
/// One row per polling source, claimed with a conditional update (free, expired, or already ours), so that at
/// most one hub process polls a source at a time, on PostgreSQL and SQLite alike.
/// </summary>
internal static class SourceLease
{
    /// <summary>The row when this process holds the lease now (claimed or renewed), else null.</summary>
    public static async Task<SourceCheckpointRow?> ClaimAsync(HubDbContext db, string instanceId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (!await db.SourceCheckpoints.AnyAsync(s => s.ConnectorInstanceId == instanceId, cancellationToken))
        {
            db.SourceCheckpoints.Add(new SourceCheckpointRow { ConnectorInstanceId = instanceId, Owner = owner, LeaseUntil = now + lease, NextPollAt = now, UpdatedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return await ReadAsync(db, instanceId, cancellationToken);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
            }
        }
        var claimed = await db.SourceCheckpoints
            .Where(s => s.ConnectorInstanceId == instanceId && (s.Owner == owner || s.Owner == null || s.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Owner, owner).SetProperty(s => s.LeaseUntil, now + lease), cancellationToken);
        return claimed == 1 ? await ReadAsync(db, instanceId, cancellationToken) : null;
    }

    /// <summary>Stores where the source stands and when to poll next, only while this process still holds the lease.</summary>
    public static async Task<bool> AdvanceAsync(
        HubDbContext db, string instanceId, string owner, string? checkpoint, DateTimeOffset nextPollAt, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        await db.SourceCheckpoints
            .Where(s => s.ConnectorInstanceId == instanceId && s.Owner == owner)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Checkpoint, checkpoint)
                .SetProperty(s => s.NextPollAt, nextPollAt)
                .SetProperty(s => s.LeaseUntil, now + lease)
                .SetProperty(s => s.UpdatedAt, now), cancellationToken) == 1;

    /// <summary>
    /// Gives the lease up, only while this process still holds it, so that another process takes the source over at
    /// its next check instead of waiting for the lease to lapse. Returns whether it held it.
    /// </summary>
    public static async Task<bool> ReleaseAsync(HubDbContext db, string instanceId, string owner, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.SourceCheckpoints
            .Where(s => s.ConnectorInstanceId == instanceId && s.Owner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Owner, (string?)null).SetProperty(s => s.LeaseUntil, now), cancellationToken) == 1;

    private static Task<SourceCheckpointRow> ReadAsync(HubDbContext db, string instanceId, CancellationToken cancellationToken) =>
        db.SourceCheckpoints.AsNoTracking().SingleAsync(s => s.ConnectorInstanceId == instanceId, cancellationToken);
}
