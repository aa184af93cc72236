using Hub.Testing.Servers;

namespace Hub.Benchmarks.Hosting;

/// <summary>
/// The hub processes under test, each in its own working directory on its own loopback port, with an
/// HTTP client per process for the load (the process's own client has a 60 s timeout and few connections).
/// </summary>
internal sealed class HubFleet : IAsyncDisposable
{
    private readonly List<(HubProcess Hub, string Directory)> _members = [];
    private readonly List<HttpClient> _clients = [];
    private HubFleet()
    {
    }

    public IReadOnlyList<HubProcess> Hubs => [.. _members.Select(m => m.Hub)];

    /// <summary>One load client per hub, in the order of <see cref="Hubs"/>.</summary>
    public IReadOnlyList<HttpClient> Clients => _clients;

    /// <summary>The working directory of the first hub (embedded mode keeps data/hub.db there).</summary>
    public string FirstDirectory => _members[0].Directory;

    /// <summary>Starts <paramref name="count"/> hubs one after another (the first applies the migrations).</summary>
    public static async Task<HubFleet> StartAsync(int count, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var fleet = new HubFleet();
        try
        {
            for (var i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var directory = Directory.CreateTempSubdirectory("hub-bench-").FullName;
                try
                {
                    var hub = await HubProcess.StartAsync(settings, directory);
                    fleet._members.Add((hub, directory));
                }
                catch
                {
                    Directory.Delete(directory, recursive: true);
                    throw;
                }
                fleet._clients.Add(LoadClient(fleet._members[^1].Hub.BaseAddress));
            }
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        foreach (var (hub, directory) in _members)
        {
            await hub.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not worth failing the report for.
            }
        }
        _members.Clear();
    }

    private static HttpClient LoadClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
}
