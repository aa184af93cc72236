using System.Data.Common;
using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// An install that upgrades keeps what every source said about its customers: the migration that moved the
/// observations from rows of their own into the customer's row carries each one over exactly, on both providers,
/// and rolling it back restores the rows.
/// </summary>
public sealed class ObservationsMigrationTests : IDisposable
{
    private const string Before = "WebhookTokens";
    private const string Change = "ObservationsInCustomerRow";
    private static readonly Guid Customer = Guid.Parse("0195f2a0-0000-7000-8000-000000000001");
    private static readonly Guid Bare = Guid.Parse("0195f2a0-0000-7000-8000-000000000002");

    // Whole seconds, a fraction, and a fraction with 100 ns ticks: each must come back to the tick.
    private static readonly (string Field, string Source, string Value, int Count, DateTimeOffset At)[] Rows =
    [
        ("name", "crm1", "Ann O'Neil \"Annie\"", 3, new DateTimeOffset(2026, 1, 2, 9, 30, 0, TimeSpan.Zero)),
        ("name", "web1", "Ann", 1, new DateTimeOffset(2026, 1, 2, 9, 30, 0, TimeSpan.Zero).AddTicks(1_234_567)),
        ("consent.email", "web1", "granted", 2, new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero).AddMilliseconds(50)),
        ("city", "crm1", "Zürich ✓", 1, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1)),
    ];

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
    public async Task Sqlite_observations_move_into_the_customer_row_and_back()
    {
        // Instants are UTC ticks on SQLite.
        await RoundTripAsync(() => new SqliteHubDbContext(new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite($"Data Source={_sqlitePath}").Options),
            at => at.UtcTicks, at => at, (reader, i) => new DateTimeOffset(reader.GetInt64(i), TimeSpan.Zero));
    }

    [Fact]
    public async Task Postgres_observations_move_into_the_customer_row_and_back()
    {
        var connectionString = await SharedServers.NewDatabaseAsync("migration");
        // PostgreSQL keeps microseconds.
        await RoundTripAsync(() => new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(connectionString).Options),
            at => at, at => at.AddTicks(-(at.Ticks % 10)), (reader, i) => reader.GetFieldValue<DateTimeOffset>(i));
    }

    private static async Task RoundTripAsync(
        Func<HubDbContext> open, Func<DateTimeOffset, object> stored, Func<DateTimeOffset, DateTimeOffset> precision, Func<DbDataReader, int, DateTimeOffset> readAt)
    {
        var expected = Rows.Select(r => (r.Field, r.Source, r.Value, r.Count, At: precision(r.At))).Order().ToList();
        await using (var db = open())
        {
            await db.GetService<IMigrator>().MigrateAsync(FullName(db, Before));
            foreach (var id in new[] { Customer, Bare })
            {
                await db.Database.ExecuteSqlAsync(
                    $"""INSERT INTO customers ("Id", "Version", "Stamp", "CreatedAt", "UpdatedAt", "Tainted") VALUES ({id}, 1, {Guid.NewGuid()}, {stored(Rows[0].At)}, {stored(Rows[0].At)}, {false})""");
            }
            foreach (var row in Rows)
            {
                await db.Database.ExecuteSqlAsync(
                    $"""INSERT INTO field_observations ("CustomerId", "Field", "Source", "Value", "Count", "LastObservedAt") VALUES ({Customer}, {row.Field}, {row.Source}, {row.Value}, {row.Count}, {stored(row.At)})""");
            }

            await db.GetService<IMigrator>().MigrateAsync(FullName(db, Change));
        }

        await using (var db = open())
        {
            var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == Customer);
            Assert.Equal(expected, customer.Observations.Select(o => (o.Field, o.Source, o.Value, o.Count, o.LastObservedAt)).Order().ToList());
            Assert.Equal(TimeSpan.Zero, Assert.Single(customer.Observations.Select(o => o.LastObservedAt.Offset).Distinct()));
            Assert.Empty((await db.Customers.AsNoTracking().SingleAsync(c => c.Id == Bare)).Observations);

            // Written back by the hub (as JSON from .NET, not from the database's JSON functions) and rolled back.
            var tracked = await db.Customers.SingleAsync(c => c.Id == Customer);
            tracked.Observations.Single(o => o.Source == "web1" && o.Field == "name").Count = 7;
            tracked.Stamp = Guid.NewGuid();
            await db.SaveChangesAsync();
            await db.GetService<IMigrator>().MigrateAsync(FullName(db, Before));
        }

        await using (var db = open())
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """SELECT "Field", "Source", "Value", "Count", "LastObservedAt" FROM field_observations""";
            var rows = new List<(string, string, string, int, DateTimeOffset)>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), readAt(reader, 4)));
                }
            }
            Assert.Equal(expected.Select(e => e.Source == "web1" && e.Field == "name" ? e with { Count = 7 } : e), rows.Order());
        }
    }

    private static string FullName(HubDbContext db, string migration) =>
        db.Database.GetMigrations().Single(m => m.EndsWith("_" + migration, StringComparison.Ordinal));
}
