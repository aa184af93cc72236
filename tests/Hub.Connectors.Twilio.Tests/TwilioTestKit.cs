using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Connectors.Twilio.Tests;

/// <summary>The connector as the host gets it, Twilio-signed requests, and the shared sample files.</summary>
internal static class TwilioTestKit
{
    public const string InstanceId = "twilio";
    public const string AccountSid = "AC6517c71827effc90e5d810323cceb50d";
    public const string AuthToken = "0123456789abcdef0123456789abcdef";
    public const string OtherToken = "fedcba9876543210fedcba9876543210";
    public const string HubUrl = "https://hub.example.com/webhooks/twilio";

    public static readonly DateTimeOffset Now = new(2026, 3, 3, 14, 20, 0, TimeSpan.Zero);

    /// <summary>The connector through its one public door, <c>AddTwilioConnector()</c>.</summary>
    public static IConnector Connector()
    {
        var services = new ServiceCollection();
        services.AddTwilioConnector();
        return Assert.Single(services.BuildServiceProvider().GetServices<IConnector>());
    }

    public static ConnectorSettings Settings(params (string Name, string? Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)));

    public static ConnectorInstance Instance(params (string Name, string? Value)[] extra) =>
        new(InstanceId, "twilio", Settings([("AccountSid", AccountSid), ("AuthToken", AuthToken), .. extra]));

    /// <summary>
    /// A form body as Twilio posts it, signed the way Twilio signs it (written here independently of the
    /// connector: URL, then every decoded key + value in ordinal key order).
    /// </summary>
    public static InboundWebhookRequest Signed(string form, string signedUrl = HubUrl, string token = AuthToken, string? receivedUrl = null) =>
        Request(form, receivedUrl ?? signedUrl, Sign(token, signedUrl, form));

    public static InboundWebhookRequest Request(string form, string url, string? signature, string contentType = "application/x-www-form-urlencoded")
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (signature is not null)
        {
            headers["X-Twilio-Signature"] = signature;
        }
        return new InboundWebhookRequest
        {
            Method = "POST",
            Url = new Uri(url),
            Headers = headers,
            ContentType = contentType,
            Body = Encoding.UTF8.GetBytes(form),
            ReceivedAt = Now,
        };
    }

    public static string Sign(string token, string url, string form)
    {
        var pairs = form.Split('&').Select(p => p.Split('=', 2)).Select(p => (Key: Decode(p[0]), Value: Decode(p.Length > 1 ? p[1] : "")));
        var text = url + string.Concat(pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(text)));
    }

    public static ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance? instance = null) =>
        ((IInboundWebhookHandler)Connector()).HandleAsync(request, instance ?? Instance(), CancellationToken.None);

    public static async Task<IReadOnlyList<TouchpointDraft>> AcceptedAsync(InboundWebhookRequest request, ConnectorInstance? instance = null)
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

    public static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "twilio", name));

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
