using System.Data;
using System.Globalization;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// A resolution group's SQLite connection caches enough pages for the group while it runs, and goes back to the pool
/// with the cache it had, so the pool's other users do not each keep 16 MiB of pages.
/// </summary>
public sealed class SqliteGroupPageCacheTests : IDisposable
{
    private readonly ScratchDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    [Fact]
    public async Task The_connection_caches_16_MiB_during_the_group_and_returns_to_the_pool_as_it_was()
    {
        var connectionString = await _databases.NewAsync("sqlite", "page-cache");
        var options = new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite(connectionString).Options;
        await using var db = new SqliteHubDbContext(options);
        await db.Database.OpenConnectionAsync();
        var before = await CacheSizeAsync(db);
        await db.Database.CloseConnectionAsync();

        await using (await SqliteGroupPageCache.WidenAsync(db, CancellationToken.None))
        {
            Assert.Equal(ConnectionState.Open, db.Database.GetDbConnection().State);
            Assert.Equal(-16_384L, await CacheSizeAsync(db));
            // The group's own transaction opens and ends inside, on the same connection.
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                await transaction.CommitAsync();
            }
            Assert.Equal(ConnectionState.Open, db.Database.GetDbConnection().State);
        }

        Assert.Equal(ConnectionState.Closed, db.Database.GetDbConnection().State);
        // Open again, the pooled connection (the same SQLite handle) has the cache it had before the group.
        await using var next = new SqliteHubDbContext(options);
        await next.Database.OpenConnectionAsync();
        Assert.NotEqual(-16_384L, before);
        Assert.Equal(before, await CacheSizeAsync(next));
    }

    [Fact]
    public async Task On_PostgreSQL_it_leaves_the_connection_alone()
    {
        var connectionString = await _databases.NewAsync("postgresql", "page-cache");
        await using var db = new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(connectionString).Options);

        await using (await SqliteGroupPageCache.WidenAsync(db, CancellationToken.None))
        {
            Assert.Equal(ConnectionState.Closed, db.Database.GetDbConnection().State);
        }
    }

    private static async Task<long> CacheSizeAsync(HubDbContext db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA cache_size;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
