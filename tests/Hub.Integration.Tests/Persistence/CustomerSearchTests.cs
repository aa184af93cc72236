using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// The admin search finds names whatever the case of their letters, ASCII or not, and whether the text typed is composed
/// (é) or decomposed (e + combining acute), on both providers; names stored without a search key (before it existed, or by an older process) are keyed in the background.
/// </summary>
public sealed class CustomerSearchTests : IDisposable
{
    private static readonly string[] FindZoe = ["Åström", "ÅSTRÖM", "åström", "Zoë Åström", "ström", "ZOË", "jose\u0301", "JOSÉ", "josé"];

    private readonly string _sqlitePath = Path.Combine(Path.GetTempPath(), $"hub-search-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _sqlitePath, _sqlitePath + "-wal", _sqlitePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sqlite_finds_names_in_any_case_and_normal_form() => await FindsAsync(OpenSqlite, keyedLater: false);

    [Fact]
    public async Task Postgres_finds_names_in_any_case_and_normal_form() => await FindsAsync(await OpenPostgresAsync("search"), keyedLater: false);

    [Fact]
    public async Task Sqlite_finds_names_stored_before_the_search_key_once_keyed() => await FindsAsync(OpenSqlite, keyedLater: true);

    [Fact]
    public async Task Postgres_finds_names_stored_before_the_search_key_once_keyed() => await FindsAsync(await OpenPostgresAsync("search-upgrade"), keyedLater: true);

    [Fact]
    public async Task Fields_an_older_process_writes_without_a_key_are_keyed_in_the_background_after_the_start_and_again_later()
    {
        var ada = Guid.NewGuid();
        var grace = Guid.NewGuid();
        await using (var db = OpenSqlite())
        {
            await db.Database.MigrateAsync();
            db.Customers.Add(Customer(ada, ("name", "Ada Lovelace")));
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("UPDATE customer_fields SET \"SearchKey\" = ''");
        }
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = new ServiceCollection()
            .AddDbContext<HubDbContext, SqliteHubDbContext>(o => o.UseSqlite($"Data Source={_sqlitePath}"))
            .BuildServiceProvider();
        using var backfill = new DerivedKeyBackfill(services.GetRequiredService<IServiceScopeFactory>(), time, NullLogger<DerivedKeyBackfill>.Instance);

        await backfill.StartAsync(CancellationToken.None);
        await FoundEventuallyAsync("lovelace", ada);

        // A process of the previous version, still running beside this one, adds a field without a key.
        await using (var db = OpenSqlite())
        {
            db.Customers.Add(Customer(grace, ("name", "Grace Hopper")));
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("UPDATE customer_fields SET \"SearchKey\" = '' WHERE \"Value\" = 'Grace Hopper'");
            Assert.Empty(await CustomerSearch.IdsMatchingAsync(db, "hopper", [], 0, 50, CancellationToken.None));
        }
        time.Advance(DerivedKeyBackfill.Interval);
        await FoundEventuallyAsync("hopper", grace);
        await backfill.StopAsync(CancellationToken.None);
        await using (var db = OpenSqlite())
        {
            Assert.Equal(["Ada Lovelace", "Grace Hopper"], await db.CustomerFields.Select(f => f.Value).Order().ToListAsync());
        }
    }

    private async Task FoundEventuallyAsync(string text, Guid customerId)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var db = OpenSqlite();
            if ((await CustomerSearch.IdsMatchingAsync(db, text, [], 0, 50, CancellationToken.None)).SequenceEqual([customerId]))
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"'{text}' did not find {customerId}: the field was not keyed");
    }

    private SqliteHubDbContext OpenSqlite() =>
        new(new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite($"Data Source={_sqlitePath}").Options);

    private static async Task<Func<HubDbContext>> OpenPostgresAsync(string purpose)
    {
        var connectionString = await SharedServers.NewDatabaseAsync(purpose);
        return () => new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(connectionString).Options);
    }

    private static async Task FindsAsync(Func<HubDbContext> open, bool keyedLater)
    {
        var zoe = Guid.NewGuid();
        var other = Guid.NewGuid();
        await using (var db = open())
        {
            await db.Database.MigrateAsync();
            db.Customers.Add(Customer(zoe, ("name", "Zoë Åström"), ("firstName", "José")));
            db.Customers.Add(Customer(other, ("name", "Ada Lovelace")));
            await db.SaveChangesAsync();
            if (keyedLater)
            {
                // As the migration leaves the fields stored before it.
                await db.Database.ExecuteSqlRawAsync("UPDATE customer_fields SET \"SearchKey\" = ''");
            }
        }

        if (keyedLater)
        {
            await using var db = open();
            Assert.Equal(3, await CustomerSearchKeyBackfill.RunAsync(db, CancellationToken.None));
        }

        await using (var db = open())
        {
            var found = new List<string>();
            foreach (var text in FindZoe)
            {
                var ids = await CustomerSearch.IdsMatchingAsync(db, text, [], 0, 50, CancellationToken.None);
                found.Add($"{text}: {(ids.SequenceEqual([zoe]) ? "Zoë" : ids.Count + " other")}");
            }
            Assert.Equal(FindZoe.Select(text => $"{text}: Zoë"), found);
            Assert.Equal([other], await CustomerSearch.IdsMatchingAsync(db, "LOVELACE", [], 0, 50, CancellationToken.None));
            Assert.Empty(await CustomerSearch.IdsMatchingAsync(db, "Åströmm", [], 0, 50, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Sqlite_finds_x_handles_and_pages_the_most_recently_updated_first() => await HandlesAndPagesAsync(OpenSqlite);

    [Fact]
    public async Task Postgres_finds_x_handles_and_pages_the_most_recently_updated_first() => await HandlesAndPagesAsync(await OpenPostgresAsync("search-pages"));

    private static async Task HandlesAndPagesAsync(Func<HubDbContext> open)
    {
        var priya = Guid.NewGuid();
        var bulk = Enumerable.Range(0, 7).Select(_ => Guid.NewGuid()).ToList();
        var merged = Guid.NewGuid();
        await using (var db = open())
        {
            await db.Database.MigrateAsync();
            db.Customers.Add(Customer(priya, ("twitterHandle", "priya_s"), ("twitterName", "Priya S.")));
            for (var i = 0; i < bulk.Count; i++)
            {
                db.Customers.Add(Customer(bulk[i], DateTimeOffset.UnixEpoch.AddDays(i), ("name", $"Bulkson {i}")));
            }
            var gone = Customer(merged, DateTimeOffset.UnixEpoch.AddDays(100), ("name", "Bulkson merged"));
            gone.MergedIntoId = bulk[0];
            db.Customers.Add(gone);
            await db.SaveChangesAsync();
        }

        await using (var db = open())
        {
            Assert.Equal([priya], await CustomerSearch.IdsMatchingAsync(db, "@Priya_S", [], 0, 50, CancellationToken.None));
            Assert.Equal([priya], await CustomerSearch.IdsMatchingAsync(db, "priya s.", [], 0, 50, CancellationToken.None));
            var newestFirst = Enumerable.Reverse(bulk).ToList();
            Assert.Equal(newestFirst.Take(3), await CustomerSearch.IdsMatchingAsync(db, "bulkson", [], 0, 3, CancellationToken.None));
            Assert.Equal(newestFirst.Skip(3).Take(3), await CustomerSearch.IdsMatchingAsync(db, "bulkson", [], 3, 3, CancellationToken.None));
            Assert.Equal(newestFirst.Skip(6), await CustomerSearch.IdsMatchingAsync(db, "bulkson", [], 6, 3, CancellationToken.None));
        }
    }

    private static CustomerRow Customer(Guid id, params (string Name, string Value)[] fields) => Customer(id, DateTimeOffset.UnixEpoch, fields);

    private static CustomerRow Customer(Guid id, DateTimeOffset updatedAt, params (string Name, string Value)[] fields)
    {
        var customer = new CustomerRow { Id = id, Version = 1, Stamp = Guid.NewGuid(), CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = updatedAt };
        foreach (var (name, value) in fields)
        {
            customer.Fields.Add(new CustomerFieldRow { CustomerId = id, Name = name, Value = value, Source = "crm1", ObservedAt = DateTimeOffset.UnixEpoch });
        }
        return customer;
    }
}
