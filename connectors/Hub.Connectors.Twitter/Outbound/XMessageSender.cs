using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Connectors.Twitter.Signing;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twitter.Outbound;

/// <summary>
/// Answers a person on X through the v2 API, signed with OAuth 1.0a as the account: a reply to one of their posts
/// (<c>POST /2/tweets</c> with <c>reply.in_reply_to_tweet_id</c>) or a direct message
/// (<c>POST /2/dm_conversations/with/{user id}/messages</c>). A 429 waits until <c>x-rate-limit-reset</c> when that
/// is near, a 5xx a moment; either, still refused, is thrown as <see cref="SyncTargetUnavailableException"/> with the
/// time X named. Any other 4xx is a refusal with X's own words.
/// </summary>
internal sealed class XMessageSender(IHttpClientFactory httpClients, TimeProvider time)
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    public async Task<MessageSendResult> SendAsync(TwitterOptions options, OutboundMessage message, CancellationToken cancellationToken)
    {
        if (options.Credentials is not { } credentials)
        {
            return new MessageSendResult(false, null, null,
                $"Sending needs '{TwitterOptions.Key}', '{TwitterOptions.Token}' and '{TwitterOptions.TokenSecret}' (the account's OAuth 1.0a user context).");
        }
        var reply = message.ReplyTo is not null;
        var url = new Uri(options.ApiBaseUrl, reply ? "/2/tweets" : $"/2/dm_conversations/with/{Uri.EscapeDataString(message.To)}/messages");
        object body = reply ? new { text = message.Body, reply = new { in_reply_to_tweet_id = message.ReplyTo } } : new { text = message.Body };
        var client = httpClients.CreateClient(HubHttpClients.OutboundSelfPaced);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            OAuth1Signer.Sign(request, credentials, time);
            using var response = await client.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return Sent(text, reply);
            }
            var transient = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
            if (!transient)
            {
                return new MessageSendResult(false, null, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), Describe(text, response.StatusCode));
            }
            var wait = ResetIn(response) ?? TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
            if (attempt == MaxAttempts || wait > MaxWait)
            {
                throw new SyncTargetUnavailableException($"X refuses for now: {Describe(text, response.StatusCode)}", wait);
            }
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>The id X will echo the message back under, as the inbound mapping keys it, so the echo lands on the same touchpoint.</summary>
    private static MessageSendResult Sent(string json, bool reply)
    {
        using var document = JsonDocument.Parse(json);
        var data = document.RootElement.GetProperty("data");
        var id = data.GetProperty(reply ? "id" : "dm_event_id").GetString()!;
        return new MessageSendResult(true, id, null, reply ? "reply posted" : "direct message sent")
        {
            SourceEventId = reply ? $"tweet:{id}" : $"dm:{id}",
            TouchpointType = reply ? "social.reply.sent" : "social.dm.sent",
        };
    }

    private TimeSpan? ResetIn(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("x-rate-limit-reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow() + TimeSpan.FromSeconds(1);
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }
        return response.Headers.RetryAfter?.Delta;
    }

    private static string Describe(string body, HttpStatusCode status)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString()
                : root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
                    && errors[0].TryGetProperty("message", out var m) ? m.GetString()
                : null;
            return $"HTTP {(int)status}: {detail ?? body}";
        }
        catch (JsonException)
        {
            return $"HTTP {(int)status}";
        }
    }
}
