using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twilio.Outbound;

/// <summary>
/// Sends one text through Twilio's Messages API (<c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>,
/// form body, HTTP Basic AccountSid:AuthToken). A 429 or 5xx is retried after Retry-After, else after 1, 2, 4 s;
/// still refused after that, it is thrown as <see cref="SyncTargetUnavailableException"/> so the caller retries
/// later. Any other 4xx is reported with Twilio's error code (21610: the recipient replied STOP) and not retried.
/// </summary>
internal sealed class TwilioMessageSender(IHttpClientFactory httpClients, TimeProvider time)
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    public async Task<SmsSendResult> SendAsync(TwilioOptions options, string to, string body, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HubHttpClients.OutboundSelfPaced);
        var url = new Uri(options.ApiBaseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(options.AccountSid)}/Messages.json");
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(Form(options, to, body)) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));
            using var response = await client.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return SmsSendResult.Sent(Property(text, "sid"));
            }
            var error = TwilioError.Parse(text, (int)response.StatusCode);
            if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
            {
                return SmsSendResult.Refused(error.Code, error.Describe());
            }
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
            if (attempt == MaxAttempts)
            {
                throw new SyncTargetUnavailableException($"Twilio still refuses after {attempt} attempts: {error.Describe()}", wait);
            }
            await Task.Delay(wait < MaxWait ? wait : MaxWait, time, cancellationToken);
        }
    }

    private static List<KeyValuePair<string, string>> Form(TwilioOptions options, string to, string body)
    {
        var form = new List<KeyValuePair<string, string>> { new("To", to), new("Body", body) };
        form.Add(options.MessagingServiceSid is { } service ? new("MessagingServiceSid", service) : new("From", options.FromNumber ?? ""));
        return form;
    }

    private static string? Property(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The outcome of one send: Twilio took it (with its message SID), or refused it for good (with its error code).</summary>
internal sealed record SmsSendResult(bool Delivered, string? MessageSid, int? ErrorCode, string Detail)
{
    public static SmsSendResult Sent(string? sid) => new(true, sid, null, "queued at Twilio");

    public static SmsSendResult Refused(int? code, string detail) => new(false, null, code, detail);
}
