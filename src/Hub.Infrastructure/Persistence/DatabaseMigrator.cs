using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Applies pending migrations before anything else starts, one hub process at a time. On PostgreSQL EF Core's own lock
/// (LOCK TABLE on the history table) lasts one migration's transaction, while each process reads the list of applied
/// migrations once: two processes starting together on a fresh database both applied the same later migrations, and
/// one failed (relation already exists). A session-level advisory lock held around the whole of Migrate serialises
/// them: the second one waits, then finds everything applied. On SQLite EF Core's lock is a row that outlives a killed process: a file lock
/// (<see cref="SqliteMigrationGuard"/>) serialises the hub's migrators instead, and the row it finds is removed.
/// </summary>
internal sealed partial class DatabaseMigrator(IServiceScopeFactory scopes, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        if (db.Database.IsNpgsql())
        {
            await MigrateHoldingAdvisoryLockAsync(db, cancellationToken);
        }
        else if (db.Database.IsSqlite())
        {
            var buffer = scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>();
            await using var guard = await SqliteMigrationGuard.AcquireAsync(db.Database.GetConnectionString()!, () => LogWaiting(logger), cancellationToken);
            await RemoveStaleLockAsync(db, cancellationToken);
            await MigrateAsync(db, cancellationToken);
            // WAL lets the API read while the consumer writes; it is a property of the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await RemoveStaleLockAsync(buffer, cancellationToken);
            await MigrateAsync(buffer, cancellationToken);
            await buffer.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await MoveBufferOutOfMainFileAsync(db, buffer, cancellationToken);
        }
        else
        {
            await MigrateAsync(db, cancellationToken);
        }
        LogMigrated(logger, db.Database.ProviderName ?? "?");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Migrates, naming in the log what it applies and how long it took, so an upgrade says what it did.</summary>
    private async Task MigrateAsync(DbContext context, CancellationToken cancellationToken)
    {
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        var started = Stopwatch.GetTimestamp();
        var database = context is IngressBufferDbContext ? "the ingress buffer" : "the hub database";
        if (pending.Count > 0)
        {
            LogApplying(logger, pending.Count, database, string.Join(", ", pending));
        }
        await context.Database.MigrateAsync(cancellationToken);
        if (pending.Count > 0)
        {
            LogApplied(logger, pending.Count, database, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>The key of the advisory lock the hub's migrations hold (any fixed number, unlikely to be used by anything else).</summary>
    internal const long MigrationLockKey = 0x4875625F4D696772; // "Hub_Migr"

    /// <summary>
    /// Opens the context's connection, so that EF Core's migrations run on it, and holds the lock for the session around
    /// them. It is released explicitly: the connection goes back to the pool, where the session lives on. A process that
    /// dies loses its session and with it the lock. The wait polls (pg_try_advisory_lock) rather than blocking in one
    /// command, which the command timeout would cut short while another process runs long migrations.
    /// </summary>
    private async Task MigrateHoldingAdvisoryLockAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var waiting = false;
            while (!await RunOnSessionAsync<bool>(db, $"SELECT pg_try_advisory_lock({MigrationLockKey})", cancellationToken))
            {
                if (!waiting)
                {
                    LogWaiting(logger);
                    waiting = true;
                }
                await Task.Delay(LockPollInterval, cancellationToken);
            }
            try
            {
                await CreateHistoryTableAsync(db, cancellationToken);
                await MigrateAsync(db, cancellationToken);
            }
            finally
            {
                await RunOnSessionAsync<bool>(db, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// EF Core's lock on SQLite is a row in <c>__EFMigrationsLock</c>, taken by every Migrate (even with nothing to apply)
    /// and deleted at its end. A process killed in between leaves the row, and every later start waits for it forever.
    /// Only a migrator holding <see cref="SqliteMigrationGuard"/> (released by the system when its process dies) takes
    /// that row, so a row found while holding the guard belongs to a process that is gone.
    /// </summary>
    private async Task RemoveStaleLockAsync(DbContext db, CancellationToken cancellationToken)
    {
        var exists = await db.Database.SqlQueryRaw<long>(
            "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'").SingleAsync(cancellationToken);
        if (exists > 0 && await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsLock\"", cancellationToken) > 0)
        {
            LogStaleLockRemoved(logger, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource);
        }
    }

    /// <summary>
    /// Npgsql's history repository says the migrations history table exists without looking, reads it, and takes the
    /// "relation does not exist" of a new database as "nothing applied" (npgsql/efcore.pg#3407); EF Core logged that
    /// failed read as an Error of Microsoft.EntityFrameworkCore.Database.Command at every first start. Created first
    /// (what Migrate would create next, with the repository's own script), the table is there to read.
    /// </summary>
    private static async Task CreateHistoryTableAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(250);

    private static async Task<T> RunOnSessionAsync<T>(HubDbContext db, string sql, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Before the buffer had a file of its own it was a table of the main SQLite file: rows left there by an older version
    /// are moved, so they are published like any other. A crash halfway moves them again; the ids make that harmless.
    /// </summary>
    private async Task MoveBufferOutOfMainFileAsync(HubDbContext db, IngressBufferDbContext buffer, CancellationToken cancellationToken)
    {
        var left = await db.IngressBuffer.AsNoTracking().ToListAsync(cancellationToken);
        if (left.Count == 0)
        {
            return;
        }
        var ids = left.Select(r => r.TouchpointId).ToList();
        var present = (await buffer.IngressBuffer.Where(b => ids.Contains(b.TouchpointId)).Select(b => b.TouchpointId).ToListAsync(cancellationToken)).ToHashSet();
        buffer.IngressBuffer.AddRange(left.Where(r => !present.Contains(r.TouchpointId)));
        await buffer.SaveChangesAsync(cancellationToken);
        await db.IngressBuffer.Where(b => ids.Contains(b.TouchpointId)).ExecuteDeleteAsync(cancellationToken);
        LogBufferMoved(logger, left.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Another hub process is migrating the database; waiting for it")]
    private static partial void LogWaiting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed the migration lock that a hub process left in {File} when it stopped while migrating")]
    private static partial void LogStaleLockRemoved(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is up to date ({Provider})")]
    private static partial void LogMigrated(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) to {Database}: {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, string database, string migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} migration(s) to {Database} in {Seconds:0.0} s")]
    private static partial void LogApplied(ILogger logger, int count, string database, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} buffered touchpoints from the main SQLite file to the ingress buffer's own file")]
    private static partial void LogBufferMoved(ILogger logger, int count);
}
