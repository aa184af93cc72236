using Hub.Integration.Tests.Hosting;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>
/// The embedded hub with a <c>remote</c> instance whose two replicas are the Python example connector: the hub knows
/// the replicas' addresses before they run (the gateway's health checks find them once they answer).
/// </summary>
public sealed class RemoteConnectorHub : IAsyncLifetime
{
    public const string InstanceId = "helpdesk";
    public const string Token = "helpdesk-connector-token-0123456789abcdef";
    public const string SourceSecret = "the-helpdesk-shares-this-secret";
    public const string SyncSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    public const string EventSource = "urn:example:helpdesk";

    /// <summary>A replica is taken out after two failed probes in a row, so at least this long after it died.</summary>
    public const int HealthIntervalSeconds = 2;

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-remote-").FullName;
    private readonly HttpClient _public = new() { Timeout = TimeSpan.FromSeconds(30) };

    public EmbeddedHub Hub { get; private set; } = null!;

    public IReadOnlyList<PythonConnector> Replicas { get; private set; } = [];

    /// <summary>The helpdesk, sending to the hub's public webhook URL of the instance (without the hub's API key).</summary>
    public HelpdeskSender Helpdesk { get; private set; } = null!;

    /// <summary>A client of the hub without credentials, as a remote connector or a stranger calls it.</summary>
    public HttpClient Anonymous => _public;

    public async Task InitializeAsync()
    {
        Replicas = [PythonConnector.Reserve(_directory), PythonConnector.Reserve(_directory)];
        Hub = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            [$"Hub:Connectors:{InstanceId}:Kind"] = "remote",
            [$"Hub:Connectors:{InstanceId}:Addresses"] = string.Join(' ', Replicas.Select(r => r.Address)),
            [$"Hub:Connectors:{InstanceId}:Token"] = Token,
            [$"Hub:Connectors:{InstanceId}:SigningSecret"] = SyncSecret,
            [$"Hub:Connectors:{InstanceId}:HealthIntervalSeconds"] = HealthIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
        });
        await Task.WhenAll(Replicas.Select(r => r.StartAsync(Hub.Hub.BaseAddress, Token, SourceSecret, SyncSecret)));
        // The gateway probed the replicas before they ran and may have taken them out: wait until it has seen each
        // answer (beside the start-up check above), so both are in the rotation when a test begins.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Replicas.Any(r => r.HealthProbesAnswered < 2) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        await Task.Delay(500);
        _public.BaseAddress = Hub.Hub.BaseAddress;
        Helpdesk = new HelpdeskSender(_public, InstanceId, SourceSecret);
    }

    /// <summary>The source event id the hub gives a helpdesk event (CloudEvent source and id).</summary>
    public static string SourceEventId(string eventId) => $"{EventSource} {eventId}";

    /// <summary>Polls the timeline of the instance until <paramref name="done"/> holds (or 60 s passed); returns the last reading.</summary>
    public async Task<List<string>> TimelineWhenAsync(Func<List<string>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<string> ids;
        while (!done(ids = await Hub.TimelineSourceEventIdsAsync(InstanceId)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return ids;
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        _public.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
