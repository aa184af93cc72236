using System.Security.Cryptography;
using System.Text;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// One hub process at a time plans, pushes and records the changes of one sync target. Every process consumes every
/// target's queue, so two versions of one customer can sit in two processes' batches at once; pushed side by side, the
/// older one could land last and leave the target with old values while its checkpoint names the newer version. With
/// the lock, the second batch is planned after the first was recorded, and a version the target already has is skipped.
/// On PostgreSQL it is a session advisory lock keyed by the instance (released with the session if the process dies);
/// SQLite is the embedded mode, one process, where the consumer's own one-batch-at-a-time is enough.
/// </summary>
internal sealed class TargetPushLock(HubDbContext db)
{
    public async Task<IAsyncDisposable> TakeAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return NotNeeded.Instance;
        }
        var key = KeyOf(instanceId);
        // Opened here, the connection stays this context's until the lock is released: the plan and the records of
        // the batch run on it, and the lock belongs to its session.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({key})", cancellationToken);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
        return new Held(db, key);
    }

    /// <summary>A stable 64-bit key per instance (ids are case-insensitive), apart from any other use of advisory locks.</summary>
    public static long KeyOf(string instanceId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("hub-sync-push:" + instanceId.ToLowerInvariant())), 0);

    private sealed class Held(HubDbContext db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Not cancellable: a lock left held would stop the target's sync in every process until this one ends.
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({key})", CancellationToken.None);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private sealed class NotNeeded : IAsyncDisposable
    {
        public static readonly NotNeeded Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
