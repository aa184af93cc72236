using System.Globalization;
using Hub.Testing.Servers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>A system the hub syncs customers to: a <c>webhooks</c> instance whose target URL is a WireMock server on loopback, answering 200 unless told otherwise.</summary>
internal sealed class SyncTarget : IDisposable
{
    public const string InstanceId = "crm2";

    public SyncTarget() => Answers(Response.Create().WithStatusCode(200));

    public WireMockServer Server { get; } = WireMockServer.Start();

    /// <summary>From now on every request gets <paramref name="response"/>.</summary>
    public void Answers(IResponseBuilder response)
    {
        Server.ResetMappings();
        Server.Given(Request.Create().UsingPost()).RespondWith(response);
    }

    /// <summary>The instance's settings, allowed through the outbound guard; the hub's other settings on top.</summary>
    public Dictionary<string, string> Settings(IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            [$"Hub:Connectors:{InstanceId}:Kind"] = "webhooks",
            [$"Hub:Connectors:{InstanceId}:Secret"] = SignedWebhookSender.ExampleSecret,
            [$"Hub:Connectors:{InstanceId}:TargetUrl"] = $"http://127.0.0.1:{Server.Port}/hub-events",
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Per customer, the versions the target took (answered 2xx), in the order they arrived.</summary>
    public Dictionary<Guid, List<long>> Delivered()
    {
        var delivered = new Dictionary<Guid, List<long>>();
        foreach (var entry in Server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime))
        {
            if (entry.ResponseMessage?.StatusCode is not int status || status is < 200 or > 299
                || entry.RequestMessage!.Headers is not { } headers || !headers.TryGetValue("webhook-id", out var webhookId))
            {
                continue;
            }
            // msg_<customer id, N format>_<version>
            var parts = webhookId.ToString().Split('_');
            var customer = Guid.ParseExact(parts[1], "N");
            delivered.TryAdd(customer, []);
            delivered[customer].Add(long.Parse(parts[2], CultureInfo.InvariantCulture));
        }
        return delivered;
    }

    /// <summary>
    /// Waits (90 s at most) until the target has the current version of every customer, and asserts that it took no
    /// version newer than that: a target that keeps the highest version it was sent (as the payload's version invites it
    /// to) ends with the latest, whatever order the deliveries took.
    /// </summary>
    public async Task AssertHasLatestVersionsAsync(Func<Task<Dictionary<Guid, long>>> currentVersions, ITestOutputHelper output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        Dictionary<Guid, long> current;
        Dictionary<Guid, List<long>> delivered;
        while ((Missing(current = await currentVersions(), delivered = Delivered()).Count > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        output.WriteLine($"sync target: {current.Count} customers, {delivered.Values.Sum(v => v.Count)} versions taken, {Server.LogEntries.Count()} requests in all");
        Assert.Empty(Missing(current, delivered));
        Assert.All(current, c => Assert.Equal(c.Value, delivered[c.Key].Max()));
    }

    public void Dispose() => Server.Dispose();

    private static List<Guid> Missing(Dictionary<Guid, long> current, Dictionary<Guid, List<long>> delivered) =>
        [.. current.Where(c => !delivered.TryGetValue(c.Key, out var versions) || !versions.Contains(c.Value)).Select(c => c.Key)];
}
