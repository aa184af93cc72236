using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing.Servers;
using Microsoft.Data.Sqlite;

namespace Hub.Integration.Tests.Hosting;

/// <summary>The hub in its embedded default (SQLite file, in-memory bus) as a real process, restartable on the same data.</summary>
public sealed class EmbeddedHub : IAsyncDisposable
{
    public const string InstanceId = "crm1";

    private readonly Dictionary<string, string> _settings;

    private EmbeddedHub(string directory, Dictionary<string, string> settings)
    {
        Directory = directory;
        _settings = settings;
    }

    public string Directory { get; }

    public HubProcess Hub { get; private set; } = null!;

    public string DatabasePath => Path.Combine(Directory, "data", "hub.db");

    /// <summary>The in-memory bus's ingress buffer, a SQLite file of its own beside the main one.</summary>
    public string IngressBufferPath => Path.Combine(Directory, "data", "hub-ingress.db");

    public SignedWebhookSender Sender => new(Hub.Client, InstanceId, SignedWebhookSender.ExampleSecret);

    public static async Task<EmbeddedHub> StartAsync(IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("hub-embedded-").FullName;
        var settings = new Dictionary<string, string>
        {
            [$"Hub:Connectors:{InstanceId}:Kind"] = "webhooks",
            [$"Hub:Connectors:{InstanceId}:Secret"] = SignedWebhookSender.ExampleSecret,
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        var hub = new EmbeddedHub(directory, settings);
        await hub.RestartAsync();
        return hub;
    }

    /// <summary>Starts the process (again) on the same working directory, so on the same SQLite file.</summary>
    public Task RestartAsync() => RestartAsync(new Dictionary<string, string>());

    /// <summary>Restarts with some settings changed, as an operator does after fixing the configuration.</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string> changedSettings)
    {
        foreach (var (key, value) in changedSettings)
        {
            _settings[key] = value;
        }
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        Hub = await HubProcess.StartAsync(_settings, Directory);
    }

    /// <summary>The id of the one customer with <paramref name="email"/>, once resolution has made it (at most 30 s).</summary>
    public async Task<Guid> CustomerIdAsync(string email)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement found;
        do
        {
            await Task.Delay(100);
            found = await Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?email={Uri.EscapeDataString(email)}", UriKind.Relative));
        }
        while (found.GetArrayLength() == 0 && DateTime.UtcNow < deadline);
        return Assert.Single(found.EnumerateArray()).GetProperty("id").GetGuid();
    }

    /// <summary>Every customer that was not merged into another, with its current version.</summary>
    public async Task<Dictionary<Guid, long>> CustomerVersionsAsync()
    {
        await using var connection = await OpenReadOnlyAsync();
        return await HubTables.CustomerVersionsAsync(connection);
    }

    /// <summary>Rows in a table of the main file, or of the ingress buffer's file for <c>ingress_buffer</c>.</summary>
    public async Task<long> CountAsync(string table)
    {
        await using var connection = await OpenReadOnlyAsync(table == "ingress_buffer" ? IngressBufferPath : DatabasePath);
        return await HubTables.CountAsync(connection, table);
    }

    public async Task<List<Guid>> TimelineTouchpointIdsAsync()
    {
        await using var connection = await OpenReadOnlyAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select TouchpointId from timeline";
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(Guid.Parse(reader.GetString(0)));
        }
        return ids;
    }

    /// <summary>The source event id of every timeline entry of connector instance <paramref name="instanceId"/>, repeats included.</summary>
    public async Task<List<string>> TimelineSourceEventIdsAsync(string instanceId)
    {
        await using var connection = await OpenReadOnlyAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select SourceEventId from timeline where ConnectorInstanceId = $instance";
        command.Parameters.AddWithValue("$instance", instanceId);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    private Task<SqliteConnection> OpenReadOnlyAsync() => OpenReadOnlyAsync(DatabasePath);

    private static async Task<SqliteConnection> OpenReadOnlyAsync(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
