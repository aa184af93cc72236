using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Integration.Tests.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// The 360 page's suggestions for one customer come from an indexed lookup of that customer's name and phone numbers,
/// not from the first page of the whole list: found however many other suggestions rank before them; dismissed pairs and
/// merged customers are left out; names and phones stored before their duplicate keys existed are keyed at start.
/// </summary>
public sealed class DuplicateSuggestionsTests : IDisposable
{
    /// <summary>More same-name pairs (score 0.9) than the 500 suggestions the 360 page used to read, all ranked before a phone pair (0.7).</summary>
    private const int OtherPairs = 510;

    private readonly string _sqlitePath = Path.Combine(Path.GetTempPath(), $"hub-duplicates-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _sqlitePath, _sqlitePath + "-wal", _sqlitePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sqlite_finds_one_customers_suggestions_behind_more_than_500_others() => await FindsAsync(OpenSqlite, keyedLater: false);

    [Fact]
    public async Task Postgres_finds_one_customers_suggestions_behind_more_than_500_others() => await FindsAsync(await OpenPostgresAsync("duplicates"), keyedLater: false);

    [Fact]
    public async Task Sqlite_finds_suggestions_among_values_stored_before_the_duplicate_keys_once_keyed() => await FindsAsync(OpenSqlite, keyedLater: true);

    [Fact]
    public async Task Postgres_finds_suggestions_among_values_stored_before_the_duplicate_keys_once_keyed() =>
        await FindsAsync(await OpenPostgresAsync("duplicates-upgrade"), keyedLater: true);

    private SqliteHubDbContext OpenSqlite() =>
        new(new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite($"Data Source={_sqlitePath}").Options);

    private static async Task<Func<HubDbContext>> OpenPostgresAsync(string purpose)
    {
        var connectionString = await SharedServers.NewDatabaseAsync(purpose);
        return () => new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(connectionString).Options);
    }

    private static async Task FindsAsync(Func<HubDbContext> open, bool keyedLater)
    {
        var pia = Guid.NewGuid();
        var piaAbroad = Guid.NewGuid(); // the same national number read with another country code
        var piaTwin = Guid.NewGuid();   // same name and company, written differently
        var dismissed = Guid.NewGuid(); // the same again, but an admin said it is someone else
        var merged = Guid.NewGuid();    // the same again, but merged into another customer
        await using (var db = open())
        {
            await db.Database.MigrateAsync();
            for (var pair = 0; pair < OtherPairs; pair++)
            {
                db.Customers.Add(Customer(Guid.NewGuid(), ("name", $"Aaron Pair{pair}"), ("company", "Pairs Inc")));
                db.Customers.Add(Customer(Guid.NewGuid(), ("name", $"aaron  pair{pair}"), ("company", "PAIRS INC")));
            }
            db.Customers.Add(Customer(pia, ("name", "Pía Ström"), ("company", "Nordic Ltd")).WithPhone("+12015550199"));
            db.Customers.Add(Customer(piaAbroad, ("name", "P. Strom")).WithPhone("+442015550199"));
            // Also a phone sharing Pia's last 9 digits: two reasons for one pair, which is one suggestion.
            db.Customers.Add(Customer(piaTwin, ("name", "pia  strom"), ("company", "NORDIC LTD")).WithPhone("+4912015550199"));
            db.Customers.Add(Customer(dismissed, ("name", "PIA STRÖM"), ("company", "Nordic Ltd")));
            var gone = Customer(merged, ("name", "Pia Strom"), ("company", "Nordic Ltd"));
            gone.MergedIntoId = piaTwin;
            db.Customers.Add(gone);
            var (first, second) = DuplicateDismissalRow.Canonical(pia, dismissed);
            db.DuplicateDismissals.Add(new DuplicateDismissalRow { CustomerId = first, OtherCustomerId = second, DismissedBy = "tests", DismissedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync();
            if (keyedLater)
            {
                // As the migration leaves the rows stored before it.
                await db.Database.ExecuteSqlRawAsync("UPDATE customer_fields SET \"DuplicateKey\" = NULL");
                await db.Database.ExecuteSqlRawAsync("UPDATE customer_identifiers SET \"DuplicateKey\" = NULL");
            }
        }

        if (keyedLater)
        {
            await using var db = open();
            // Every name and company (two per customer, one for Pia abroad) and both phone numbers.
            Assert.Equal((OtherPairs * 2 * 2) + 2 + 1 + 2 + 2 + 2 + 3, await DuplicateKeyBackfill.RunAsync(db, CancellationToken.None));
        }

        await using (var db = open())
        {
            var suggestions = new DuplicateSuggestions(db);
            var forPia = await suggestions.ForCustomerAsync(pia, CancellationToken.None);

            Assert.Equal([Pair(pia, piaTwin, 0.9), Pair(pia, piaAbroad, 0.7)], forPia.Select(s => Describe(s)));
            Assert.Contains("differ only before their last 9 digits", forPia[1].Reason, StringComparison.Ordinal);
            Assert.Contains("same name", forPia[0].Reason, StringComparison.Ordinal);
            Assert.Contains("differ only before their last 9 digits", forPia[0].Reason, StringComparison.Ordinal);
            // Pia's twin and the customer dismissed as someone else than Pia may still be one person.
            Assert.Equal(
                new[] { Pair(pia, piaTwin, 0.9), Pair(piaTwin, dismissed, 0.9), Pair(piaTwin, piaAbroad, 0.7) }.Order(StringComparer.Ordinal),
                (await suggestions.ForCustomerAsync(piaTwin, CancellationToken.None)).Select(s => Describe(s)).Order(StringComparer.Ordinal));
            Assert.Equal([Pair(piaTwin, dismissed, 0.9)], (await suggestions.ForCustomerAsync(dismissed, CancellationToken.None)).Select(s => Describe(s)));
            var whole = await suggestions.FindAsync(2000, CancellationToken.None);
            Assert.Equal(OtherPairs + 4, whole.Count);
            Assert.Equal(
                new[] { Pair(pia, piaAbroad, 0.7), Pair(piaTwin, piaAbroad, 0.7) }.Order(StringComparer.Ordinal),
                whole.TakeLast(2).Select(s => Describe(s)).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(Pair(pia, dismissed, 0.9), whole.Select(s => Describe(s)));
            Assert.DoesNotContain(whole, s => s.CustomerId == merged || s.OtherCustomerId == merged);
        }
    }

    private static string Pair(Guid one, Guid other, double score) =>
        one.CompareTo(other) < 0 ? $"{one} {other} {score}" : $"{other} {one} {score}";

    private static string Describe(DuplicateSuggestion suggestion) => $"{suggestion.CustomerId} {suggestion.OtherCustomerId} {suggestion.Score}";

    private static CustomerRow Customer(Guid id, params (string Name, string Value)[] fields)
    {
        var customer = new CustomerRow { Id = id, Version = 1, Stamp = Guid.NewGuid(), CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };
        foreach (var (name, value) in fields)
        {
            customer.Fields.Add(new CustomerFieldRow { CustomerId = id, Name = name, Value = value, Source = "crm1", ObservedAt = DateTimeOffset.UnixEpoch });
        }
        return customer;
    }
}

internal static class DuplicateSuggestionsTestCustomers
{
    public static CustomerRow WithPhone(this CustomerRow customer, string phone)
    {
        customer.Identifiers.Add(new CustomerIdentifierRow { CustomerId = customer.Id, Type = "phone", Value = phone, LinkedAt = DateTimeOffset.UnixEpoch });
        return customer;
    }
}
