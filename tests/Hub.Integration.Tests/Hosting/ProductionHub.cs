using Hub.Testing.Servers;
using Npgsql;

namespace Hub.Integration.Tests.Hosting;

/// <summary>
/// The hub in production mode: real RabbitMQ and PostgreSQL on loopback; one hub process as a class fixture, or
/// several identical ones (competing consumers) through <see cref="StartAsync"/>. It gets a virtual host and a
/// database of its own on the <see cref="SharedServers"/>, or, for tests that stop and start them, servers of its own.
/// </summary>
public sealed class ProductionHub : IAsyncLifetime
{
    public const string InstanceId = "crm1";
    private const string OnSharedBroker = "This hub runs on the shared RabbitMQ node; start it with OwnServers.Broker to stop and start its broker.";
    private const string OnSharedDatabase = "This hub runs on the shared PostgreSQL server; start it with OwnServers.Database to stop and start its database.";

    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("hub-prod-").FullName;
    private readonly int _processes;
    private readonly OwnServers _ownServers;
    private readonly List<HubProcess> _hubs = [];
    private Dictionary<string, string> _settings = null!;

    private RabbitMqServer? _broker;
    private PostgresServer? _postgres;

    public ProductionHub()
        : this(new Dictionary<string, string>(), processes: 1, OwnServers.None)
    {
    }

    private ProductionHub(IReadOnlyDictionary<string, string> extraSettings, int processes, OwnServers ownServers)
    {
        ExtraSettings = new Dictionary<string, string>(extraSettings);
        _processes = processes;
        _ownServers = ownServers;
    }

    /// <summary>Settings beyond the base ones (extra connector instances, say); set before <see cref="InitializeAsync"/>.</summary>
    public Dictionary<string, string> ExtraSettings { get; }

    /// <summary>The hub's own RabbitMQ node, to stop and start again; only when started with <see cref="OwnServers.Broker"/>.</summary>
    public RabbitMqServer Broker => _broker ?? throw new InvalidOperationException(OnSharedBroker);

    /// <summary>The hub's own PostgreSQL server, to stop and start again; only when started with <see cref="OwnServers.Database"/>.</summary>
    public PostgresServer Postgres => _postgres ?? throw new InvalidOperationException(OnSharedDatabase);

    /// <summary>The AMQP URI of the hub's virtual host.</summary>
    public Uri BrokerUri { get; private set; } = null!;

    /// <summary>The first hub process.</summary>
    public HubProcess Hub => _hubs[0];

    /// <summary>Every hub process; an entry is replaced when that process is restarted.</summary>
    public IReadOnlyList<HubProcess> Hubs => _hubs;

    public string DatabaseConnectionString { get; private set; } = null!;

    public SignedWebhookSender Sender => SenderTo(0);

    /// <summary>
    /// Starts <paramref name="processes"/> hub processes configured alike, with <paramref name="extraSettings"/> on top,
    /// on a fresh virtual host and database: on the shared servers, or on a broker or database server of their own as
    /// <paramref name="ownServers"/> says (only a test that stops a server needs that: a RabbitMQ node takes many seconds to start).
    /// </summary>
    public static async Task<ProductionHub> StartAsync(
        IReadOnlyDictionary<string, string> extraSettings, int processes = 1, OwnServers ownServers = OwnServers.None)
    {
        var hub = new ProductionHub(extraSettings, processes, ownServers);
        try
        {
            await hub.InitializeAsync();
            return hub;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }

    public async Task InitializeAsync()
    {
        var broker = _ownServers.HasFlag(OwnServers.Broker) ? OwnBrokerAsync() : SharedServers.NewVirtualHostAsync("hub");
        var database = _ownServers.HasFlag(OwnServers.Database) ? OwnDatabaseAsync() : SharedServers.NewDatabaseAsync("hub");
        await Task.WhenAll(broker, database);
        BrokerUri = await broker;
        DatabaseConnectionString = await database;
        _settings = new Dictionary<string, string>
        {
            ["Hub:Database:Provider"] = "PostgreSql",
            ["Hub:Database:ConnectionString"] = DatabaseConnectionString,
            ["Hub:Bus:Transport"] = "RabbitMq",
            ["Hub:Bus:RabbitMqUri"] = BrokerUri.ToString(),
            ["Hub:Ingress:BrokerTimeout"] = "00:00:03",
            [$"Hub:Connectors:{InstanceId}:Kind"] = "webhooks",
            [$"Hub:Connectors:{InstanceId}:Secret"] = SignedWebhookSender.ExampleSecret,
        };
        foreach (var (key, value) in ExtraSettings)
        {
            _settings[key] = value;
        }
        // The first one alone applies the migrations; the others start beside each other.
        _hubs.Add(await HubProcess.StartAsync(_settings, _workingDirectory));
        _hubs.AddRange(await Task.WhenAll(Enumerable.Range(1, _processes - 1).Select(_ => HubProcess.StartAsync(_settings, _workingDirectory))));
    }

    private async Task<Uri> OwnBrokerAsync()
    {
        _broker = await RabbitMqServer.StartAsync();
        return _broker.AmqpUri;
    }

    private async Task<string> OwnDatabaseAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        return await _postgres.CreateDatabaseAsync("hub");
    }

    /// <summary>A signed sender of <see cref="InstanceId"/> to hub process <paramref name="process"/> as it is now.</summary>
    public SignedWebhookSender SenderTo(int process) => new(_hubs[process].Client, InstanceId, SignedWebhookSender.ExampleSecret);

    /// <summary>Kills hub process <paramref name="process"/> like kill -9 (if it still runs) and starts it again on a new port.</summary>
    public async Task RestartAsync(int process)
    {
        await _hubs[process].DisposeAsync();
        _hubs[process] = await HubProcess.StartAsync(_settings, _workingDirectory);
    }

    /// <summary>Restarts the first hub process with some settings changed, as an operator does after fixing the configuration.</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string> changedSettings)
    {
        foreach (var (key, value) in changedSettings)
        {
            ExtraSettings[key] = value;
            _settings[key] = value;
        }
        await RestartAsync(0);
    }

    /// <summary>Polls until a queue of the broker (an error queue, say) holds <paramref name="expected"/> messages, then returns the count (which may differ on timeout).</summary>
    public async Task<uint> WaitForQueueDepthAsync(string queue, uint expected)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = BrokerUri };
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

    /// <summary>Runs SQL on the hub's database, as a DBA would.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        return await HubTables.CountAsync(connection, table);
    }

    /// <summary>The source event id of every timeline entry of connector instance <paramref name="instanceId"/>, repeats included.</summary>
    public async Task<List<string>> TimelineSourceEventIdsAsync(string instanceId = InstanceId)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""select "SourceEventId" from timeline where "ConnectorInstanceId" = @instance""", connection);
        command.Parameters.AddWithValue("instance", instanceId);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    /// <summary>Every customer that was not merged into another, with its current version.</summary>
    public async Task<Dictionary<Guid, long>> CustomerVersionsAsync()
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        return await HubTables.CustomerVersionsAsync(connection);
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
        foreach (var hub in _hubs)
        {
            await hub.DisposeAsync();
        }
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        Directory.Delete(_workingDirectory, recursive: true);
    }
}

/// <summary>Which servers a <see cref="ProductionHub"/> has to itself, to stop and start them; the others are the <see cref="SharedServers"/>.</summary>
[Flags]
public enum OwnServers
{
    None = 0,
    Broker = 1,
    Database = 2,
}
