using System.Security.Cryptography;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Npgsql;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Configuration;

/// <summary>
/// At start the hub logs what it runs with (so an operator can tell from the log alone), without a password or key,
/// and warns about each <c>Hub:</c> key nothing reads, naming the key it is probably a typo of.
/// </summary>
public sealed class StartupReportTests
{
    [Fact]
    public async Task A_production_hub_logs_its_settings_without_secrets_and_warns_about_a_misspelt_key()
    {
        const string databasePassword = "db-password-7f3a9c";
        var keyEncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var database = new NpgsqlConnectionStringBuilder(await SharedServers.NewDatabaseAsync("report")) { Password = databasePassword };
        var broker = await SharedServers.NewVirtualHostAsync("report");
        var directory = Directory.CreateTempSubdirectory("hub-report-").FullName;
        try
        {
            await using var hub = await HubProcess.StartAsync(
                new Dictionary<string, string>
                {
                    ["Logging:LogLevel:Default"] = "Information",
                    ["Hub:Database:Provider"] = "PostgreSql",
                    ["Hub:Database:ConnectionString"] = database.ConnectionString,
                    ["Hub:Bus:Transport"] = "RabbitMq",
                    ["Hub:Bus:RabbitMqUri"] = broker.ToString(),
                    ["Hub:Bus:QuorumQueue"] = "true", // the typo: QuorumQueues
                    ["Hub:DataProtection:KeyEncryptionKey"] = keyEncryptionKey,
                    ["Hub:Telemetry:MetricsRequireApiKey"] = "true",
                    ["Hub:ForwardedHeaders:TrustedProxies:0"] = "172.30.0.0/24",
                    ["Hub:Connectors:crm1:Kind"] = "webhooks",
                    ["Hub:Connectors:crm1:Secret"] = SignedWebhookSender.ExampleSecret,
                    ["Hub:Connectors:crm1:Secrett"] = "whsec_typo", // the typo in a connector's option: Secret
                },
                directory);

            await EventuallyAsync(() => hub.Output.Contains("Hub listening on", StringComparison.Ordinal), "the listening line");
            var output = hub.Output;
            Assert.Contains(
                $"Hub starting in production mode: database PostgreSql, host 127.0.0.1, port {database.Port}, database {database.Database}; " +
                $"bus RabbitMq, broker 127.0.0.1:{broker.Port}, virtual host {broker.AbsolutePath.Trim('/')}, quorum queues off",
                output,
                StringComparison.Ordinal);
            Assert.Contains(
                "Hub access: key-ring protection key-encryption key (0 previous); 1 API key configured (stored ones come on top); " +
                "/metrics needs an API key; forwarded headers believed from loopback, 172.30.0.0/24",
                output,
                StringComparison.Ordinal);
            Assert.Contains("Hub connectors: 1 instance configured: crm1 (webhooks) (those added in the admin UI", output, StringComparison.Ordinal);
            Assert.Contains($"Hub listening on {hub.BaseAddress.ToString().TrimEnd('/')}", output, StringComparison.Ordinal);
            Assert.Contains("Configuration key Hub:Bus:QuorumQueue is not read by the hub and has no effect; did you mean Hub:Bus:QuorumQueues?", output, StringComparison.Ordinal);
            Assert.Contains("Configuration key Hub:Connectors:crm1:Secrett is not an option of connector webhooks and has no effect; did you mean Hub:Connectors:crm1:Secret?", output, StringComparison.Ordinal);
            Assert.DoesNotContain("is not read by the hub", output.Replace("Hub:Bus:QuorumQueue is not read", "", StringComparison.Ordinal), StringComparison.Ordinal);

            Assert.DoesNotContain(databasePassword, output, StringComparison.Ordinal);
            Assert.DoesNotContain(keyEncryptionKey, output, StringComparison.Ordinal);
            Assert.DoesNotContain("guest:guest", output, StringComparison.Ordinal);
            Assert.DoesNotContain(hub.ApiKey, output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_configuration_error_stops_the_start_with_exit_code_78_and_its_message_after_the_typo_warnings()
    {
        var directory = Directory.CreateTempSubdirectory("hub-report-").FullName;
        try
        {
            // The provider is switched, but the connection string is misspelt: appsettings.json's SQLite file stays in force.
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => HubProcess.StartAsync(
                new Dictionary<string, string>
                {
                    ["Hub:Database:Provider"] = "PostgreSql",
                    ["Hub:Database:ConectionString"] = "Host=db;Port=5432;Database=hub;Username=hub;Password=secret",
                },
                directory));

            Assert.Contains("The hub exited with code 78 while starting", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Configuration key Hub:Database:ConectionString is not read by the hub and has no effect; did you mean Hub:Database:ConnectionString?", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Hub:Database:Provider is PostgreSql, so Hub:Database:ConnectionString must be a PostgreSQL connection string", failure.Message, StringComparison.Ordinal);
            Assert.Contains("(Data Source=data/hub.db: appsettings.json gives the embedded mode's file when no connection string is set)", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task An_embedded_hub_names_its_mode_and_its_sqlite_file()
    {
        await using var embedded = await EmbeddedHub.StartAsync(new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information" });

        await EventuallyAsync(() => embedded.Hub.Output.Contains("Hub listening on", StringComparison.Ordinal), "the listening line");
        Assert.Contains(
            $"Hub starting in embedded mode: database Sqlite, file {embedded.DatabasePath}; bus InMemory",
            embedded.Hub.Output,
            StringComparison.Ordinal);
        // The id /health/ready and the metrics' service_instance_id give, so a log stream can be matched to them.
        Assert.Contains($"bus InMemory; instance {Environment.MachineName}/", embedded.Hub.Output, StringComparison.Ordinal);
        Assert.Contains("key-ring protection none (keys stored unencrypted", embedded.Hub.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("is not read by the hub", embedded.Hub.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_on_postgresql_with_the_in_memory_bus_says_it_runs_in_a_mixed_mode()
    {
        await using var mixed = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Hub:Database:Provider"] = "PostgreSql",
            ["Hub:Database:ConnectionString"] = await SharedServers.NewDatabaseAsync("mixed-mode"),
        });

        await EventuallyAsync(() => mixed.Hub.Output.Contains("Hub listening on", StringComparison.Ordinal), "the listening line");
        Assert.Contains("Hub starting in mixed mode: database PostgreSql, host ", mixed.Hub.Output, StringComparison.Ordinal);
        Assert.Contains("; bus InMemory", mixed.Hub.Output, StringComparison.Ordinal);
    }
}
