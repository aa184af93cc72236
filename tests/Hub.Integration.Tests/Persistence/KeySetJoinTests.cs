using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// The resolution's lookups by a list of keys are joins with that list, on the hub's own database configuration, so
/// that PostgreSQL's generic plan of a prepared statement does not compare every scanned row with every key. They
/// must return what <c>Contains</c> returns: the matching rows, each once, with their includes.
/// </summary>
public sealed class KeySetJoinTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 3, 0, 0, TimeSpan.Zero);
    private readonly ScratchDatabases _databases = new();

    public static TheoryData<string> Providers => ScratchDatabases.Providers;

    public void Dispose() => _databases.Dispose();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_whose_key_is_in_the_list_come_back_once_each_however_often_the_key_is_listed(string provider)
    {
        await using var services = await HubPersistenceAsync(provider);
        var customers = await SeedAsync(services, 5);

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var found = await db.CustomerIdentifiers.AsNoTracking()
            .WhereKeyIn(i => i.Value, ["customer-1@example.com", "customer-3@example.com", "customer-1@example.com", "nobody@example.com"])
            .ToListAsync();

        Assert.Equal(
            [(customers[1], "customer-1@example.com"), (customers[3], "customer-3@example.com")],
            found.Select(i => (i.CustomerId, i.Value)).Order());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_empty_list_matches_nothing(string provider)
    {
        await using var services = await HubPersistenceAsync(provider);
        await SeedAsync(services, 2);

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();

        Assert.Empty(await db.Customers.WhereKeyIn(c => c.Id, Array.Empty<Guid>()).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Customers_looked_up_by_id_come_with_all_their_identifiers_and_fields(string provider)
    {
        await using var services = await HubPersistenceAsync(provider);
        var customers = await SeedAsync(services, 6);
        Guid[] wanted = [customers[0], customers[4], customers[5], customers[4]];

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var loaded = await db.Customers.Include(c => c.Identifiers).Include(c => c.Fields).AsSplitQuery()
            .WhereKeyIn(c => c.Id, wanted).ToListAsync();

        Assert.Equal(wanted.Distinct().Order(), loaded.Select(c => c.Id).Order());
        Assert.All(loaded, c =>
        {
            Assert.Equal(2, c.Identifiers.Count);
            Assert.Equal(["company", "name"], c.Fields.Select(f => f.Name).Order());
        });
    }

    [Theory]
    [InlineData("sqlite", "JOIN json_each(")]
    [InlineData("postgresql", "JOIN unnest(")]
    public async Task The_list_is_joined_not_searched_row_by_row(string provider, string join)
    {
        await using var services = await HubPersistenceAsync(provider);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var keys = new List<string> { "a", "b" };

        var sql = db.CustomerIdentifiers.WhereKeyIn(i => i.Value, keys).ToQueryString();

        Assert.Contains(join, sql, StringComparison.Ordinal);
        Assert.DoesNotContain("ANY (", sql, StringComparison.Ordinal);
        Assert.DoesNotContain(" IN (", sql, StringComparison.Ordinal);
    }

    /// <summary>Customers 0..n-1, each with an e-mail and a phone identifier and two fields; returns their ids by number.</summary>
    private static async Task<List<Guid>> SeedAsync(ServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var ids = new List<Guid>();
        for (var n = 0; n < count; n++)
        {
            var customer = new CustomerRow { Id = Guid.CreateVersion7(At.AddSeconds(n)), CreatedAt = At, UpdatedAt = At, Stamp = Guid.NewGuid() };
            customer.Identifiers.Add(new CustomerIdentifierRow { Type = "email", Value = $"customer-{n}@example.com", LinkedAt = At });
            customer.Identifiers.Add(new CustomerIdentifierRow { Type = "phone", Value = $"+4930123456{n:00}", LinkedAt = At });
            customer.Fields.Add(new CustomerFieldRow { Name = "name", Value = $"Customer {n}", Source = "crm", ObservedAt = At });
            customer.Fields.Add(new CustomerFieldRow { Name = "company", Value = "Example", Source = "crm", ObservedAt = At });
            db.Customers.Add(customer);
            ids.Add(customer.Id);
        }
        await db.SaveChangesAsync();
        return ids;
    }

    /// <summary>The hub's own persistence registration (provider options included), on a new migrated database.</summary>
    private async Task<ServiceProvider> HubPersistenceAsync(string provider)
    {
        var connectionString = await _databases.NewAsync(provider, "keyset");
        var services = new ServiceCollection().AddLogging()
            .AddHubPersistence(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hub:Database:Provider"] = provider == "sqlite" ? "Sqlite" : "PostgreSql",
                ["Hub:Database:ConnectionString"] = connectionString,
            }).Build())
            .BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<HubDbContext>().Database.MigrateAsync();
        return services;
    }
}
