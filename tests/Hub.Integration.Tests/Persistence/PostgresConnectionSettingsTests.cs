using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// The hub's PostgreSQL connections prepare the statements they repeat (the server then skips parsing and planning
/// them), unless the operator's connection string sets <c>Max Auto Prepare</c> itself.
/// </summary>
public sealed class PostgresConnectionSettingsTests
{
    [Fact]
    public async Task A_statement_the_hub_repeats_is_prepared_on_its_connection()
    {
        var database = await SharedServers.NewDatabaseAsync("autoprepare");

        Assert.True(await PreparedAfterRepeatingAsync(database) > 0, "no statement was prepared on the hub's connection");
    }

    [Theory]
    [InlineData("Max Auto Prepare=0")]
    [InlineData("maxautoprepare=0")]
    public async Task An_operator_who_sets_max_auto_prepare_keeps_it(string setting)
    {
        var database = await SharedServers.NewDatabaseAsync("noautoprepare");

        Assert.Equal(0, await PreparedAfterRepeatingAsync($"{database};{setting}"));
    }

    [Fact]
    public void A_connection_string_that_is_not_one_fails_at_start_naming_the_setting()
    {
        var error = Assert.Throws<HubConfigurationException>(() => Persistence("Host=db;Max Auto Prepare=lots"));

        Assert.Contains("Hub:Database:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    private static async Task<long> PreparedAfterRepeatingAsync(string connectionString)
    {
        await using var services = Persistence(connectionString);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await db.Database.OpenConnectionAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        for (var i = 0; i < 10; i++)
        {
            await using var repeated = new NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relname = $1", connection) { Parameters = { new() { Value = "pg_type" } } };
            await repeated.ExecuteScalarAsync();
        }
        await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements", connection);
        return (long)(await prepared.ExecuteScalarAsync())!;
    }

    private static ServiceProvider Persistence(string connectionString) =>
        new ServiceCollection().AddLogging()
            .AddHubPersistence(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hub:Database:Provider"] = "PostgreSql",
                ["Hub:Database:ConnectionString"] = connectionString,
            }).Build())
            .BuildServiceProvider();
}
