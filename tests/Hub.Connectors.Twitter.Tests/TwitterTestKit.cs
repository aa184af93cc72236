using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Connectors.Twitter.Tests;

/// <summary>The connector as the host gets it, X-signed requests, and the shared sample files.</summary>
internal static class TwitterTestKit
{
    public const string InstanceId = "x1";
    public const string ConsumerSecret = "hub-test-consumer-secret";
    public const string OtherSecret = "another-apps-consumer-secret";
    public const string AccountUserId = "1102497772336161459";
    public const string Jane = "767416495109227733";
    public const string HubUrl = "https://hub.example.com/webhooks/x1";

    public static readonly DateTimeOffset Now = new(2025, 6, 10, 14, 30, 0, TimeSpan.Zero);

    /// <summary>The connector through its one public door, <c>AddTwitterConnector()</c>.</summary>
    public static IConnector Connector()
    {
        var services = new ServiceCollection();
        services.AddTwitterConnector();
        return Assert.Single(services.BuildServiceProvider().GetServices<IConnector>());
    }

    public static ConnectorSettings Settings(params (string Name, string? Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)));

    public static ConnectorInstance Instance(params (string Name, string? Value)[] extra) =>
        new(InstanceId, "twitter", Settings([("ConsumerSecret", ConsumerSecret), ("AccountUserId", AccountUserId), .. extra]));

    /// <summary>A body as X posts it, signed the way X signs it (written here independently of the connector).</summary>
    public static InboundWebhookRequest Signed(string body, string secret = ConsumerSecret) =>
        Request("POST", HubUrl, body, "sha256=" + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));

    public static InboundWebhookRequest Request(string method, string url, string body, string? signature, string contentType = "application/json")
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (signature is not null)
        {
            headers["x-twitter-webhooks-signature"] = signature;
        }
        return new InboundWebhookRequest
        {
            Method = method,
            Url = new Uri(url),
            Headers = headers,
            ContentType = method == "GET" ? null : contentType,
            Body = Encoding.UTF8.GetBytes(body),
            ReceivedAt = Now,
        };
    }

    public static ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance? instance = null) =>
        ((IInboundWebhookHandler)Connector()).HandleAsync(request, instance ?? Instance(), CancellationToken.None);

    public static async Task<IReadOnlyList<TouchpointDraft>> AcceptedAsync(InboundWebhookRequest request, ConnectorInstance? instance = null)
    {
        var result = await HandleAsync(request, instance);
        Assert.True(result.Rejection is null, $"Rejected: {result.Rejection}");
        return result.Touchpoints;
    }

    public static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "twitter", name));
}
