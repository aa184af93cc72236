using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Connectors.Pbx.Tests;

/// <summary>The connector as the host gets it and call records signed as a forwarder signs them.</summary>
internal static class PbxTestKit
{
    public static readonly string SecretA = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 3)).ToArray());
    public static readonly string SecretB = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 5 + 1)).ToArray());
    public static readonly DateTimeOffset Now = new(2026, 3, 3, 9, 20, 0, TimeSpan.Zero);

    /// <summary>The Asterisk sample (asterisk-cdr.json) as its forwarder writes it in the documented format.</summary>
    public const string AnsweredInbound = """
        {"callId":"1772529302.42","direction":"inbound","from":"+14155550123","to":"12125550147","startedAt":"2026-03-03T09:15:02Z",
         "answeredAt":"2026-03-03T09:15:09Z","endedAt":"2026-03-03T09:18:11Z","talkSeconds":182,"outcome":"answered","callerName":"Jane Roe"}
        """;

    public static IConnector Connector()
    {
        var services = new ServiceCollection();
        services.AddPbxConnector();
        return Assert.Single(services.BuildServiceProvider().GetServices<IConnector>());
    }

    public static ConnectorSettings Settings(params (string Name, string? Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)));

    public static ConnectorInstance Instance() => new("pbx1", "pbx", Settings(("Secret", SecretA)));

    /// <summary>Standard Webhooks v1, written here independently of the connector.</summary>
    public static InboundWebhookRequest Signed(string body, string secret = "", string id = "msg_1", DateTimeOffset? at = null)
    {
        var timestamp = (at ?? Now).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String((secret.Length == 0 ? SecretA : secret)["whsec_".Length..]);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return new InboundWebhookRequest
        {
            Method = "POST",
            Url = new Uri("https://hub.example.com/webhooks/pbx1"),
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["webhook-id"] = id,
                ["webhook-timestamp"] = timestamp,
                ["webhook-signature"] = "v1," + Convert.ToBase64String(mac),
            },
            ContentType = "application/json",
            Body = Encoding.UTF8.GetBytes(body),
            ReceivedAt = Now,
        };
    }

    public static ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request) =>
        ((IInboundWebhookHandler)Connector()).HandleAsync(request, Instance(), CancellationToken.None);

    public static async Task<IReadOnlyList<TouchpointDraft>> AcceptedAsync(InboundWebhookRequest request)
    {
        var result = await HandleAsync(request);
        Assert.True(result.Rejection is null, $"Rejected: {result.Rejection}");
        return result.Touchpoints;
    }
}
