using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// New empty databases for tests that run the same case on both providers: a SQLite file (deleted with its log files
/// when disposed) or a database on the shared PostgreSQL server.
/// </summary>
public sealed class ScratchDatabases : IDisposable
{
    private readonly List<string> _sqliteFiles = [];

    public static TheoryData<string> Providers => ["sqlite", "postgresql"];

    /// <summary>The connection string of a new database of <paramref name="provider"/> ("sqlite" or "postgresql").</summary>
    public async Task<string> NewAsync(string provider, string purpose)
    {
        if (provider != "sqlite")
        {
            return await SharedServers.NewDatabaseAsync(purpose);
        }
        var path = Path.Combine(Path.GetTempPath(), $"hub-{purpose}-{Guid.NewGuid():N}.db");
        _sqliteFiles.Add(path);
        return $"Data Source={path}";
    }

    /// <summary>A new database of <paramref name="provider"/> with the hub's schema; each call of the result opens a context on it.</summary>
    public async Task<Func<HubDbContext>> NewMigratedAsync(string provider, string purpose)
    {
        var connectionString = await NewAsync(provider, purpose);
        Func<HubDbContext> open = () => Open(provider, connectionString);
        await using var db = open();
        await db.Database.MigrateAsync();
        return open;
    }

    /// <summary>The hub's context of <paramref name="provider"/> on <paramref name="connectionString"/>, with the interceptors given.</summary>
    public static HubDbContext Open(string provider, string connectionString, params IInterceptor[] interceptors) => provider == "sqlite"
        ? new SqliteHubDbContext(new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite(connectionString).AddInterceptors(interceptors).Options)
        : new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(connectionString).AddInterceptors(interceptors).Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        // The hub's migrator adds the ingress buffer's file (hub-x-ingress.db) and its guard file (hub-x.db.migrating).
        var databases = _sqliteFiles.SelectMany(f => new[] { f, Path.ChangeExtension(f, null) + "-ingress.db" });
        foreach (var file in databases.SelectMany(f => new[] { f, f + "-wal", f + "-shm", f + ".migrating" }))
        {
            File.Delete(file);
        }
    }
}
