using Hub.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// Every connection the embedded store opens waits for a busy database in SQLite's own short back-off, reads the
/// file through a memory map, syncs every commit to disk, zeroes deleted rows and leaves checkpoints to the background; a pooled
/// connection opened again keeps all of it.
/// </summary>
public sealed class SqliteConnectionSettingsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hub-settings-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Each_opened_connection_waits_for_busy_writers_maps_the_file_and_syncs_commits()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:Database:ConnectionString"] = $"Data Source={_path}" })
            .Build();
        await using var services = new ServiceCollection().AddLogging().AddHubPersistence(configuration).BuildServiceProvider();

        for (var round = 0; round < 2; round++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.Database.OpenConnectionAsync();
            Assert.Equal(30_000L, await PragmaAsync(db, "busy_timeout"));
            Assert.Equal(1L << 30, await PragmaAsync(db, "mmap_size"));
            Assert.Equal(2L, await PragmaAsync(db, "synchronous")); // FULL
            // Checkpoints are SqliteCheckpointer's, not the commits'.
            Assert.Equal(0L, await PragmaAsync(db, "wal_autocheckpoint"));
            Assert.Equal(64L << 20, await PragmaAsync(db, "journal_size_limit"));
            Assert.Equal(2L, await PragmaAsync(db, "secure_delete")); // FAST: deleted rows' bytes zeroed in their page
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> PragmaAsync(HubDbContext db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
