using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>
/// The example connector's source, a helpdesk: posts events to the hub's public webhook URL of the remote instance,
/// signed with <c>X-Helpdesk-Signature: t=..,v1=hex(HMAC-SHA256("t.body"))</c>, and retries what was not answered 2xx,
/// as webhook senders do.
/// </summary>
public sealed class HelpdeskSender(HttpClient hub, string instanceId, string secret)
{
    private int _failedAttempts;

    /// <summary>Requests that were not answered 2xx and were sent again.</summary>
    public int FailedAttempts => Volatile.Read(ref _failedAttempts);

    public static string Event(string id, string email, string subject = "Printer on fire") =>
        $$$"""{"id":"{{{id}}}","event":"ticket.opened","occurred_at":"2026-03-01T10:00:00Z","subject":"{{{subject}}}","customer":{"email":"{{{email}}}","name":"Ada Example"}}""";

    public async Task<HttpResponseMessage> SendOnceAsync(string body, string? signatureSecret = null, bool chunked = false)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signatureSecret ?? secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{instanceId}", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Helpdesk-Signature", $"t={timestamp},v1={Convert.ToHexStringLower(mac)}");
        request.Headers.TransferEncodingChunked = chunked;
        return await hub.SendAsync(request);
    }

    /// <summary>Sends until the hub answers 2xx (at most 20 attempts, a quarter second apart); true when it did.</summary>
    public async Task<bool> SendWithRetryAsync(string body)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                using var response = await SendOnceAsync(body);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // as a sender would: try again
            }
            Interlocked.Increment(ref _failedAttempts);
            await Task.Delay(250);
        }
        return false;
    }
}
