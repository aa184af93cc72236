using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// One writer at a time per sync target: a batch of customer changes (checked, pushed and recorded), a touchpoint, or
/// an erasure. Every hub process consumes every target's queue, so two versions of one customer can sit in two
/// processes' batches at once; pushed side by side, the older one could land last and leave the target with old values
/// while its checkpoint names the newer version. And a push checked before an erasure froze the customer's checkpoints
/// could land after the erasure was carried out, writing the person back. With the lock, whoever comes second checks
/// after the first is done: a version the target has is skipped, an erased customer is not written.
/// On PostgreSQL it is a session advisory lock keyed by the instance (released with the session if the process dies),
/// which holds across processes; on SQLite (the embedded mode, one process) a semaphore per instance in the process.
/// </summary>
internal sealed class TargetPushLock(HubDbContext db, LocalTargetTurns local)
{
    public async Task<IAsyncDisposable> TakeAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return await local.TakeAsync(instanceId, cancellationToken);
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
}

/// <summary>The embedded mode's <see cref="TargetPushLock"/>: one semaphore per target instance, in the process.</summary>
internal sealed class LocalTargetTurns
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IAsyncDisposable> TakeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var turn = _turns.GetOrAdd(instanceId, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellationToken);
        return new Held(turn);
    }

    private sealed class Held(SemaphoreSlim turn) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                turn.Release();
            }
            return ValueTask.CompletedTask;
        }
    }
}
