using Hub.Testing.Servers;
using Npgsql;

namespace Hub.Integration.Tests.Hosting;

/// <summary>A hub in production mode: real RabbitMQ and PostgreSQL, throwaway, on loopback.</summary>
public sealed class ProductionHub : IAsyncLifetime
{
    public const string InstanceId = "crm1";

    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("hub-prod-").FullName;

    public RabbitMqServer Broker { get; private set; } = null!;

    public PostgresServer Postgres { get; private set; } = null!;

    public HubProcess Hub { get; private set; } = null!;

    public string DatabaseConnectionString { get; private set; } = null!;

    public SignedWebhookSender Sender => new(Hub.Client, InstanceId, SignedWebhookSender.ExampleSecret);

    /// <summary>Settings beyond the base ones (extra connector instances, say); set before <see cref="InitializeAsync"/>.</summary>
    public Dictionary<string, string> ExtraSettings { get; } = [];

    public async Task InitializeAsync()
    {
        var broker = RabbitMqServer.StartAsync();
        Postgres = await PostgresServer.StartAsync();
        DatabaseConnectionString = await Postgres.CreateDatabaseAsync("hub");
        Broker = await broker;
        Hub = await StartHubAsync();
    }

    /// <summary>Restarts the hub process with some settings changed, as an operator does after fixing the configuration.</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string> changedSettings)
    {
        foreach (var (key, value) in changedSettings)
        {
            ExtraSettings[key] = value;
        }
        await Hub.DisposeAsync();
        Hub = await StartHubAsync();
    }

    /// <summary>Polls until a queue of the broker (an error queue, say) holds <paramref name="expected"/> messages, then returns the count (which may differ on timeout).</summary>
    public async Task<uint> WaitForQueueDepthAsync(string queue, uint expected)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = Broker.AmqpUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        uint depth;
        while ((depth = (await channel.QueueDeclarePassiveAsync(queue)).MessageCount) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return depth;
    }

    private Task<HubProcess> StartHubAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Hub:Database:Provider"] = "PostgreSql",
            ["Hub:Database:ConnectionString"] = DatabaseConnectionString,
            ["Hub:Bus:Transport"] = "RabbitMq",
            ["Hub:Bus:RabbitMqUri"] = Broker.AmqpUri.ToString(),
            ["Hub:Ingress:BrokerTimeout"] = "00:00:03",
            [$"Hub:Connectors:{InstanceId}:Kind"] = "webhooks",
            [$"Hub:Connectors:{InstanceId}:Secret"] = SignedWebhookSender.ExampleSecret,
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }
        return HubProcess.StartAsync(settings, _workingDirectory);
    }

    public async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs SQL on the hub's database, as a DBA would.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Polls until <paramref name="table"/> holds <paramref name="expected"/> rows, then returns the count (which may differ on timeout).</summary>
    public async Task<long> WaitForCountAsync(string table, long expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        long count;
        while ((count = await CountAsync(table)) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        return count;
    }

    public async Task DisposeAsync()
    {
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
        Directory.Delete(_workingDirectory, recursive: true);
    }
}
