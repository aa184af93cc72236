using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// A provider and a connection string that do not belong together stop the start with a message saying which setting
/// to change, instead of the other provider's complaint about a keyword it does not know.
/// </summary>
public sealed class ProviderMismatchTests
{
    [Fact]
    public void PostgreSql_without_a_connection_string_of_its_own_says_the_connection_string_must_be_a_postgresql_one()
    {
        var error = Assert.Throws<HubConfigurationException>(() => Persistence("PostgreSql", "Data Source=data/hub.db"));

        Assert.Contains("Hub:Database:ConnectionString must be a PostgreSQL connection string such as Host=db;Port=5432;Database=hub;Username=hub;Password=...", error.Message, StringComparison.Ordinal);
        Assert.Contains("it is a SQLite connection string (Data Source=data/hub.db", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_with_a_sqlite_connection_string_from_appsettings_json_says_that_file_gave_it()
    {
        var directory = Directory.CreateTempSubdirectory("hub-mismatch-").FullName;
        try
        {
            var appSettings = Path.Combine(directory, "appsettings.json");
            File.WriteAllText(appSettings, """{ "Hub": { "Database": { "ConnectionString": "Data Source=data/hub.db" } } }""");
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(appSettings)
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:Database:Provider"] = "PostgreSql" })
                .Build();

            var error = Assert.Throws<HubConfigurationException>(() => new ServiceCollection().AddLogging().AddHubPersistence(configuration));

            Assert.Contains("it is a SQLite connection string (Data Source=data/hub.db: appsettings.json gives the embedded mode's file when no connection string is set)", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void PostgreSql_with_a_sqlite_connection_string_set_by_the_operator_does_not_blame_appsettings_json()
    {
        var error = Assert.Throws<HubConfigurationException>(() => Persistence("PostgreSql", "Data Source=/var/lib/hub/hub.db"));

        Assert.Contains("it is a SQLite connection string (Data Source=/var/lib/hub/hub.db).", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("appsettings.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgresql_connection_string_with_the_default_provider_says_to_set_the_provider()
    {
        var error = Assert.Throws<HubConfigurationException>(() => Persistence(provider: null, "Host=db;Port=5432;Database=hub;Username=hub;Password=secret-9d2e"));

        Assert.Contains("Hub:Database:ConnectionString is a PostgreSQL connection string, but Hub:Database:Provider is Sqlite (its default): set Hub:Database:Provider=PostgreSql", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-9d2e", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sqlite_connection_string_that_is_not_one_says_what_it_should_name()
    {
        var error = Assert.Throws<HubConfigurationException>(() => Persistence("Sqlite", "File=hub.db"));

        Assert.Contains("Hub:Database:ConnectionString is not a valid SQLite connection string", error.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection Persistence(string? provider, string connectionString)
    {
        var services = new ServiceCollection();
        services.AddLogging().AddHubPersistence(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Database:Provider"] = provider,
            ["Hub:Database:ConnectionString"] = connectionString,
        }).Build());
        return services;
    }
}
