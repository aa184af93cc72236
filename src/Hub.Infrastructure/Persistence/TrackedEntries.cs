using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Hub.Infrastructure.Persistence;

internal static class TrackedEntries
{
    /// <summary>
    /// The tracked entries of one type as they stand, without the full change scan that
    /// <see cref="ChangeTracker.Entries{TEntity}()"/> runs first. A resolution group tracks thousands of rows, and
    /// its callers read only keys, values they set themselves, and states set by Add or by the last SaveChanges
    /// (which scans anyway), so each scan skipped is pure saving.
    /// </summary>
    public static List<EntityEntry<T>> AsTracked<T>(this ChangeTracker tracker)
        where T : class
    {
        var detecting = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return [.. tracker.Entries<T>()];
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detecting;
        }
    }
}
