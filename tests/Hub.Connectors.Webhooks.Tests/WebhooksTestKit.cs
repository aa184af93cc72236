using System.Text;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.DependencyInjection;
using StandardWebhooks;

namespace Hub.Connectors.Webhooks.Tests;

/// <summary>The connector as the host gets it, signed requests, and the shared sample files.</summary>
internal static class WebhooksTestKit
{
    /// <summary>Three distinct 32-byte secrets, padded base64 so the official package reads them too.</summary>
    public static readonly string SecretA = Secret(1);
    public static readonly string SecretB = Secret(2);
    public static readonly string SecretC = Secret(3);

    public static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 40, 0, TimeSpan.Zero);

    public const string InstanceId = "CRM-Main";

    /// <summary>The connector through its one public door, <c>AddWebhooksConnector()</c>.</summary>
    public static IConnector Connector(TimeProvider? time = null, IHttpClientFactory? httpClients = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }
        services.AddWebhooksConnector();
        if (httpClients is not null)
        {
            services.AddSingleton(httpClients);
        }
        return Assert.Single(services.BuildServiceProvider().GetServices<IConnector>());
    }

    public static ConnectorSettings Settings(params (string Name, string? Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)));

    public static ConnectorInstance Instance(params (string Name, string? Value)[] values) =>
        new(InstanceId, "webhooks", Settings(values.Length == 0 ? [("Secret", SecretA)] : values));

    /// <summary>A request signed with the official StandardWebhooks package.</summary>
    public static InboundWebhookRequest Signed(
        string body,
        string? contentType = "application/json",
        string secret = "",
        string messageId = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
        DateTimeOffset? signedAt = null,
        DateTimeOffset? receivedAt = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var at = signedAt ?? Now;
        var signature = new StandardWebhook(secret.Length == 0 ? SecretA : secret).Sign(messageId, at, body);
        var all = new Dictionary<string, string>(headers ?? new Dictionary<string, string>())
        {
            ["webhook-id"] = messageId,
            ["webhook-timestamp"] = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = signature,
        };
        return Request(Encoding.UTF8.GetBytes(body), contentType, receivedAt ?? Now, all);
    }

    public static InboundWebhookRequest Request(
        byte[] body, string? contentType, DateTimeOffset receivedAt, Dictionary<string, string> headers) => new()
        {
            Method = "POST",
            Url = new Uri($"https://hub.example.com/webhooks/{InstanceId}"),
            Headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase),
            ContentType = contentType,
            Body = body,
            ReceivedAt = receivedAt,
        };

    public static ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance? instance = null) =>
        ((IInboundWebhookHandler)Connector()).HandleAsync(request, instance ?? Instance(), CancellationToken.None);

    /// <summary>The accepted touchpoints; fails with the rejection when there is one.</summary>
    public static async Task<IReadOnlyList<Contracts.Touchpoints.TouchpointDraft>> AcceptedAsync(
        InboundWebhookRequest request, ConnectorInstance? instance = null)
    {
        var result = await HandleAsync(request, instance);
        Assert.True(result.Rejection is null, $"Rejected: {result.Rejection}");
        return result.Touchpoints;
    }

    /// <summary>The rejection; nothing may be accepted with it.</summary>
    public static async Task<WebhookRejection> RejectedAsync(InboundWebhookRequest request, ConnectorInstance? instance = null)
    {
        var result = await HandleAsync(request, instance);
        Assert.NotNull(result.Rejection);
        Assert.Empty(result.Touchpoints);
        return result.Rejection;
    }

    public static string SamplePath(string name) => Path.Combine(AppContext.BaseDirectory, "formats", "webhooks", name);

    public static string Sample(string name) => File.ReadAllText(SamplePath(name));

    private static string Secret(byte seed) =>
        "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)((seed * 31) + (i * 7))).ToArray());
}
