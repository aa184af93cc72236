using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Connectors.Twilio;

/// <summary>
/// The embedded hub (a real process) with a Twilio instance <c>tw1</c> behind a "proxy": Twilio calls
/// https://hub.example.com, so requests are signed for that URL and the hub checks them through PublicBaseUrl.
/// Beside it, the signed webhook source <c>crm1</c> (Segment calls) and the phone system <c>pbx1</c> (call records).
/// </summary>
internal sealed class TwilioHub : IAsyncDisposable
{
    public const string InstanceId = "tw1";
    public const string PbxInstanceId = "pbx1";
    public const string AccountSid = "AC6517c71827effc90e5d810323cceb50d";
    public const string AuthToken = "0123456789abcdef0123456789abcdef";
    public const string PublicBaseUrl = "https://hub.example.com";
    public const string EmptyTwiml = """<?xml version="1.0" encoding="UTF-8"?><Response></Response>""";

    private TwilioHub(EmbeddedHub embedded) => Embedded = embedded;

    public EmbeddedHub Embedded { get; }

    public HttpClient Client => Embedded.Hub.Client;

    public static async Task<TwilioHub> StartAsync(IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var settings = new Dictionary<string, string>(Settings);
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        return new(await EmbeddedHub.StartAsync(settings));
    }

    private static readonly Dictionary<string, string> Settings = new()
    {
        [$"Hub:Connectors:{InstanceId}:Kind"] = "twilio",
        [$"Hub:Connectors:{InstanceId}:AccountSid"] = AccountSid,
        [$"Hub:Connectors:{InstanceId}:AuthToken"] = AuthToken,
        [$"Hub:Connectors:{InstanceId}:PublicBaseUrl"] = PublicBaseUrl,
        [$"Hub:Connectors:{InstanceId}:DefaultRegion"] = "US",
        [$"Hub:Connectors:{PbxInstanceId}:Kind"] = "pbx",
        [$"Hub:Connectors:{PbxInstanceId}:Secret"] = SignedWebhookSender.ExampleSecret,
        [$"Hub:Connectors:{PbxInstanceId}:DefaultRegion"] = "US",
    };

    /// <summary>A call record from the phone system, signed with Standard Webhooks.</summary>
    public async Task<HttpResponseMessage> PostCallRecordAsync(string json) =>
        await new SignedWebhookSender(Client, PbxInstanceId, SignedWebhookSender.ExampleSecret).SendAsync(json);

    /// <summary>Posts a form body the way Twilio does, X-Twilio-Signature computed here for the public URL.</summary>
    public async Task<HttpResponseMessage> PostAsync(string form, string token = AuthToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{InstanceId}", UriKind.Relative))
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Twilio-Signature", Sign(token, $"{PublicBaseUrl}/webhooks/{InstanceId}", form));
        return await Client.SendAsync(request);
    }

    /// <summary>Posts and expects Twilio's answer: 200 with empty TwiML.</summary>
    public async Task PostAcceptedAsync(string form)
    {
        using var response = await PostAsync(form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(EmptyTwiml, await response.Content.ReadAsStringAsync());
    }

    public async Task SendSegmentAsync(string json)
    {
        using var response = await Embedded.Sender.SendAsync(json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> ContextAsync(string query)
    {
        using var response = await Client.GetAsync(new Uri($"api/context?{query}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<List<JsonElement>> FindAsync(string query) =>
        [.. (await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?{query}", UriKind.Relative))).EnumerateArray()];

    /// <summary>An inbound call of +14155550123 to the hub's number, in the given status.</summary>
    public static string InboundCall(string callSid, string status, string from = "%2B14155550123", int? seconds = null) =>
        $"AccountSid={AccountSid}&ApiVersion=2010-04-01&CallSid={callSid}&CallStatus={status}&Called=%2B12125550147&Caller={from}&Direction=inbound&From={from}&To=%2B12125550147"
        + (seconds is { } s ? $"&CallDuration={s}" : "");

    public static string InboundSms(string messageSid, string body, string from = "%2B14155550123") =>
        $"AccountSid={AccountSid}&ApiVersion=2010-04-01&Body={Uri.EscapeDataString(body)}&From={from}&MessageSid={messageSid}&NumMedia=0&SmsMessageSid={messageSid}&SmsSid={messageSid}&SmsStatus=received&To=%2B12125550147";

    public static string Sign(string token, string url, string form)
    {
        var pairs = form.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Select(p => (Key: Decode(p[0]), Value: p.Length > 1 ? Decode(p[1]) : ""));
        var text = url + string.Concat(pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(text)));
    }

    public async ValueTask DisposeAsync() => await Embedded.DisposeAsync();

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
