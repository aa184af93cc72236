using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// A resolution group of about 230 touchpoints writes about 1,100 pages (4.4 MiB) to SQLite's log. In SQLite's
/// default cache of 2 MiB per connection the group spills pages into the log before its commit, writes a page again
/// when it changes it after that (about 8 % more log pages in the benchmark), and reads back the pages it dropped.
/// So the connection a group runs on caches up to 16 MiB while the group lasts, and is set back to the size it had
/// before it returns to the pool: with 16 MiB on every connection, each pooled connection that reads the hub's busy
/// pages kept its own copies (about 100 MiB more at the benchmark's peak), and in WAL mode a connection's cache is
/// dropped anyway whenever another connection has written since. On PostgreSQL it does nothing.
/// </summary>
internal sealed class SqliteGroupPageCache : IAsyncDisposable
{
    internal const int GroupKibibytes = 16_384;

    private readonly HubDbContext? _db;
    private readonly long _previousSize;

    private SqliteGroupPageCache(HubDbContext? db, long previousSize)
    {
        _db = db;
        _previousSize = previousSize;
    }

    /// <summary>Opens the context's connection and widens its cache; disposing sets it back and closes the connection.</summary>
    public static async Task<SqliteGroupPageCache> WidenAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return new SqliteGroupPageCache(null, 0);
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var previous = Convert.ToInt64(await ExecuteAsync(db, "PRAGMA cache_size;", cancellationToken), CultureInfo.InvariantCulture);
            await ExecuteAsync(db, $"PRAGMA cache_size = -{GroupKibibytes};", cancellationToken);
            return new SqliteGroupPageCache(db, previous);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is null)
        {
            return;
        }
        try
        {
            // Shrinking the cache frees the pages beyond the smaller size.
            await ExecuteAsync(_db, $"PRAGMA cache_size = {_previousSize.ToString(CultureInfo.InvariantCulture)};", CancellationToken.None);
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<object?> ExecuteAsync(HubDbContext db, string pragma, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = pragma;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
