using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Connectors.Salesforce;

/// <summary>
/// A running hub (a real process; embedded, or on RabbitMQ and PostgreSQL) with a Salesforce org
/// <c>sf1</c> (WireMock), the signed webhook source <c>crm1</c> (Segment calls, national phone numbers read as
/// US) and the signed webhook target <c>crm2</c> (a second WireMock).
/// </summary>
internal sealed class SalesforceHub : IAsyncDisposable
{
    public const string SalesforceInstanceId = "sf1";
    public const string TargetSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    private readonly List<IAsyncDisposable> _hosting = [];

    private SalesforceHub()
    {
        Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
    }

    /// <summary>The hub in embedded mode; null on a broker.</summary>
    public EmbeddedHub? Embedded { get; private set; }

    public HubProcess Hub { get; private set; } = null!;

    /// <summary>The PostgreSQL database's connection string on a broker; null when embedded.</summary>
    public string? PostgresConnectionString { get; private set; }

    public SalesforceOrg Org { get; } = new();

    /// <summary>crm2's webhook receiver.</summary>
    public WireMockServer Target { get; } = WireMockServer.Start();

    public HttpClient Client => Hub.Client;

    /// <summary>Starts it embedded; <paramref name="crm1Channel"/> is the channel of crm1's touchpoints (<c>phone</c>: a phone system).</summary>
    public static Task<SalesforceHub> StartAsync(string crm1Channel = "crm", IReadOnlyDictionary<string, string>? extraSettings = null) =>
        StartAsync(crm1Channel, async (hub, settings) =>
        {
            foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
            {
                settings[key] = value;
            }
            hub.Hub = (hub.Embedded = await EmbeddedHub.StartAsync(settings)).Hub;
        });

    /// <summary>Starts it in production mode, on a fresh virtual host and database of the <see cref="SharedServers"/>.</summary>
    public static Task<SalesforceHub> StartOnBrokerAsync(string crm1Channel = "crm") => StartAsync(crm1Channel, async (hub, settings) =>
    {
        var virtualHost = SharedServers.NewVirtualHostAsync("salesforce");
        settings["Hub:Database:ConnectionString"] = hub.PostgresConnectionString = await SharedServers.NewDatabaseAsync("salesforce");
        var directory = Directory.CreateTempSubdirectory("hub-salesforce-");
        hub._hosting.Add(new TempDirectory(directory.FullName));
        settings["Hub:Database:Provider"] = "PostgreSql";
        settings["Hub:Bus:Transport"] = "RabbitMq";
        settings["Hub:Bus:RabbitMqUri"] = (await virtualHost).ToString();
        settings[$"Hub:Connectors:{EmbeddedHub.InstanceId}:Kind"] = "webhooks";
        settings[$"Hub:Connectors:{EmbeddedHub.InstanceId}:Secret"] = SignedWebhookSender.ExampleSecret;
        hub.Hub = await HubProcess.StartAsync(settings, directory.FullName);
        hub._hosting.Insert(0, hub.Hub);
    });

    /// <summary>A change event as a CDC relay posts it: JSON, the endpoint secret as Bearer token.</summary>
    public async Task PostChangeEventAsync(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{SalesforceInstanceId}", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SalesforceOrg.EndpointSecret);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A Segment call from crm1, signed.</summary>
    public async Task SendSegmentAsync(string json)
    {
        using var response = await new SignedWebhookSender(Client, EmbeddedHub.InstanceId, SignedWebhookSender.ExampleSecret).SendAsync(json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<List<JsonElement>> FindAsync(string query) =>
        [.. (await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?{query}", UriKind.Relative))).EnumerateArray()];

    public static string? IdentifierOf(JsonElement customer, string type) =>
        customer.GetProperty("identifiers").EnumerateArray()
            .Where(i => i.GetProperty("type").GetString() == type).Select(i => i.GetProperty("value").GetString()).FirstOrDefault();

    /// <summary>Polls until <paramref name="condition"/> holds (30 s at most: the hub works asynchronously).</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what) => Eventually.HoldsAsync(condition, what);

    public static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);

    public async ValueTask DisposeAsync()
    {
        if (Embedded is not null)
        {
            await Embedded.DisposeAsync();
        }
        foreach (var hosted in _hosting)
        {
            await hosted.DisposeAsync();
        }
        Org.Dispose();
        Target.Dispose();
    }

    private static async Task<SalesforceHub> StartAsync(string crm1Channel, Func<SalesforceHub, Dictionary<string, string>, Task> start)
    {
        var hub = new SalesforceHub();
        var settings = new Dictionary<string, string>(hub.Org.Settings(SalesforceInstanceId))
        {
            [$"Hub:Connectors:{EmbeddedHub.InstanceId}:Channel"] = crm1Channel,
            ["Hub:Connectors:crm2:Kind"] = "webhooks",
            ["Hub:Connectors:crm2:Secret"] = SignedWebhookSender.ExampleSecret,
            ["Hub:Connectors:crm2:TargetUrl"] = $"http://127.0.0.1:{hub.Target.Port}/hub-events",
            ["Hub:Connectors:crm2:TargetSecret"] = TargetSecret,
            ["Hub:Identity:DefaultRegion"] = "US",
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Hub:Outbound:RetryDelay"] = "00:00:00.050",
            // Tests make crm2 answer 503 for a while: whether that opens the breaker depends on how many changes sync
            // happened to send it just before, so a test waiting for the recovery must not wait out a 30 s break.
            ["Hub:Outbound:CircuitBreakerBreakDuration"] = "00:00:02",
        };
        try
        {
            await start(hub, settings);
            return hub;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }

    private sealed class TempDirectory(string path) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Directory.Delete(path, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
