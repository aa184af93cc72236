using Hub.Integration.Tests.Hosting;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>
/// The embedded hub with a <c>remote</c> instance whose one replica is a WireMock.Net fake served below a path
/// (<c>http://127.0.0.1:port/prefix/</c>): it answers its health path, takes customer changes, and answers a page
/// under its webhook path with HTML that tries to act on the hub's origin (a script, a cookie, its own CSP).
/// Erasures are dispatched and retried within a second or so.
/// </summary>
public sealed class FakeRemoteConnectorHub : IAsyncLifetime
{
    public const string InstanceId = "rem";
    public const string Token = "rem-connector-token-0123456789abcdef0123";
    public const string SyncSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    public const string BasePath = "/prefix";
    public const string PageHtml = "<!doctype html><script>fetch('/admin/users')</script>";

    public WireMockServer Replica { get; } = WireMockServer.Start();

    public EmbeddedHub Hub { get; private set; } = null!;

    /// <summary>A client of the hub without the API key, as a source or a remote connector calls it.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Replica.Given(Request.Create().WithPath($"{BasePath}/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Replica.Given(Request.Create().WithPath($"{BasePath}/hub/sync").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        Replica.Given(Request.Create().WithPath($"{BasePath}/webhooks/{InstanceId}/page").UsingAnyMethod()).RespondWith(Response.Create()
            .WithStatusCode(200)
            .WithHeader("Content-Type", "text/html; charset=utf-8")
            .WithHeader("Set-Cookie", "hub-admin=planted-by-the-connector; Path=/")
            .WithHeader("Content-Security-Policy", "default-src *")
            .WithBody(PageHtml));
        Hub = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            [$"Hub:Connectors:{InstanceId}:Kind"] = "remote",
            [$"Hub:Connectors:{InstanceId}:Addresses"] = $"http://127.0.0.1:{Replica.Port}{BasePath}/",
            [$"Hub:Connectors:{InstanceId}:Token"] = Token,
            [$"Hub:Connectors:{InstanceId}:SigningSecret"] = SyncSecret,
            [$"Hub:Connectors:{InstanceId}:HealthIntervalSeconds"] = "1",
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Hub:Erasure:PollInterval"] = "00:00:00.200",
            ["Hub:Erasure:RetryDelay"] = "00:00:00.500",
            ["Hub:Erasure:MaxRetryDelay"] = "00:00:01",
        });
        Anonymous = new HttpClient { BaseAddress = Hub.Hub.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The requests the replica received at <paramref name="path"/>, polled until there is one (or 60 s passed).</summary>
    public async Task<List<WireMock.Logging.ILogEntry>> RequestsToAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var found = Replica.LogEntries.Where(e => e.RequestMessage?.Path == path).ToList();
            if (found.Count > 0 || DateTime.UtcNow > deadline)
            {
                return found;
            }
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        Anonymous?.Dispose();
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        Replica.Dispose();
    }
}
