using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Persistence;

/// <summary>Applies pending migrations before anything else starts (EF Core's migration lock guards concurrent hub processes).</summary>
internal sealed partial class DatabaseMigrator(IServiceScopeFactory scopes, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets the API read while the consumer writes; it is a property of the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            var buffer = scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>();
            await buffer.Database.MigrateAsync(cancellationToken);
            await buffer.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await MoveBufferOutOfMainFileAsync(db, buffer, cancellationToken);
        }
        LogMigrated(logger, db.Database.ProviderName ?? "?");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is up to date ({Provider})")]
    private static partial void LogMigrated(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} buffered touchpoints from the main SQLite file to the ingress buffer's own file")]
    private static partial void LogBufferMoved(ILogger logger, int count);
}
