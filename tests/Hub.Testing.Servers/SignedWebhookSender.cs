using System.Net.Http.Headers;
using System.Text;
using StandardWebhooks;

namespace Hub.Testing.Servers;

/// <summary>A sender as an existing CRM would be: signs with the official Standard Webhooks library.</summary>
public sealed class SignedWebhookSender(HttpClient http, string instanceId, string secret)
{
    public const string ExampleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private readonly StandardWebhook _signer = new(secret);

    public async Task<HttpResponseMessage> SendAsync(string body, string? webhookId = null, DateTimeOffset? timestamp = null, string contentType = "application/json")
    {
        var id = webhookId ?? "msg_" + Guid.NewGuid().ToString("N");
        var at = timestamp ?? DateTimeOffset.UtcNow;
        using var request = Unsigned(body, contentType);
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", _signer.Sign(id, at, body));
        return await http.SendAsync(request);
    }

    public HttpRequestMessage Unsigned(string body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{instanceId}", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return request;
    }

    /// <summary>The <c>webhook-signature</c> of raw bytes, which need not be text (the official library signs strings only).</summary>
    public static string Signature(string secret, string webhookId, long timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}."), .. body];
        return "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, signed));
    }

    /// <summary>A Segment identify call of one of <paramref name="people"/> people (so e-mails repeat).</summary>
    public static string Identify(int n, int people) =>
        $$"""{"type":"identify","messageId":"m-{{n}}","userId":"u-{{n % people}}","traits":{"email":"Person{{n % people}}@Example.com","name":"Person {{n % people}}","plan":"p{{n}}"},"timestamp":"{{new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(n):O}}"}""";
}
