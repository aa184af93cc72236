using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// Upgrading keeps the admin accounts: the migration that adds the security stamp (which ends sessions at sign-out)
/// leaves each account as it was, with an empty stamp that its next sign-in fills, on both providers.
/// </summary>
public sealed class AdminSecurityStampMigrationTests : IDisposable
{
    private const string Change = "AdminSecurityStamp";

    private readonly string _sqlitePath = Path.Combine(Path.GetTempPath(), $"hub-migration-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _sqlitePath, _sqlitePath + "-wal", _sqlitePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public Task Sqlite_accounts_survive_the_upgrade_with_an_empty_stamp() =>
        UpgradeAsync(() => new SqliteHubDbContext(new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite($"Data Source={_sqlitePath}").Options), 0L);

    [Fact]
    public async Task Postgres_accounts_survive_the_upgrade_with_an_empty_stamp()
    {
        var connectionString = await SharedServers.NewDatabaseAsync("stamp");
        await UpgradeAsync(() => new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(connectionString).Options),
            DateTimeOffset.UnixEpoch);
    }

    private static async Task UpgradeAsync(Func<HubDbContext> open, object createdAt)
    {
        await using (var db = open())
        {
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_" + Change, StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before);
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO admin_users ("Email", "PasswordHash", "Role", "CreatedAt") VALUES ({"it@example.com"}, {"AQAAAAIAAYagAAAAE-hash"}, {"admin"}, {createdAt})""");
            await db.GetService<IMigrator>().MigrateAsync();
        }

        await using (var db = open())
        {
            var account = await db.AdminUsers.AsNoTracking().SingleAsync();
            Assert.Equal(("it@example.com", "AQAAAAIAAYagAAAAE-hash", "admin", ""), (account.Email, account.PasswordHash, account.Role, account.SecurityStamp));
        }
    }
}
