using Hub.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// Embedded mode after a hub process was killed while it migrated: EF Core's SQLite lock is a row in
/// <c>__EFMigrationsLock</c> that nothing removes, so the next start waited for it forever. The hub's migrator holds a
/// file lock instead, which the system releases with the process, and removes the row it finds.
/// </summary>
public sealed class SqliteStaleMigrationLockTests : IDisposable
{
    private readonly ScratchDatabases _databases = new();

    [Fact]
    public async Task A_lock_row_left_by_a_killed_migrator_does_not_stop_the_next_start()
    {
        var connectionString = await _databases.NewAsync("sqlite", "stale-migration-lock");
        await MigrateAsync(connectionString, CancellationToken.None);
        var files = new[] { connectionString, PersistenceExtensions.IngressBufferConnectionString(connectionString) };
        foreach (var file in files)
        {
            await ExecuteAsync(file, """INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-12-06 07:00:00+00:00')""");
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await MigrateAsync(connectionString, patience.Token);

        foreach (var file in files)
        {
            Assert.Equal(0L, await ExecuteAsync(file, """SELECT count(*) FROM "__EFMigrationsLock" """));
        }
    }

    [Fact]
    public async Task A_migrator_waits_while_another_process_holds_the_guard_and_goes_on_once_it_is_gone()
    {
        var connectionString = await _databases.NewAsync("sqlite", "migration-guard");
        var guardFile = new SqliteConnectionStringBuilder(connectionString).DataSource + ".migrating";
        var other = new FileStream(guardFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var migrating = MigrateAsync(connectionString, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(migrating.IsCompleted, "The migrator did not wait for the guard another process holds.");
        await using (var db = ScratchDatabases.Open("sqlite", connectionString))
        {
            Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
        }

        await other.DisposeAsync();
        await migrating.WaitAsync(TimeSpan.FromSeconds(60));
        await using var migrated = ScratchDatabases.Open("sqlite", connectionString);
        Assert.Empty(await migrated.Database.GetPendingMigrationsAsync());
    }

    public void Dispose() => _databases.Dispose();

    private static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Database:Provider"] = "Sqlite",
            ["Hub:Database:ConnectionString"] = connectionString,
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddHubPersistence(configuration).BuildServiceProvider();
        await services.GetServices<IHostedService>().OfType<DatabaseMigrator>().Single().StartAsync(cancellationToken);
    }

    private static async Task<long> ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return sql.StartsWith("SELECT", StringComparison.Ordinal) ? (long)(await command.ExecuteScalarAsync())! : await command.ExecuteNonQueryAsync();
    }
}
