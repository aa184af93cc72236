using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Connectors.Webhooks.Signing;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Erasure;

namespace Hub.Connectors.Webhooks.Sync;

/// <summary>
/// POSTs a customer change to the instance's target URL as a signed Standard Webhooks message
/// (<c>{"type": "customer.updated", "timestamp": ..., "data": ...}</c>). The webhook-id is derived from
/// customer and version, so a receiver deduplicates our retries.
/// A target that answers <c>410 Gone</c> wants no more webhooks (Standard Webhooks): for <see cref="GoneHold"/> this
/// process sends no change or merge to that URL of that instance, and each is parked as a failed message saying so
/// (<see cref="SyncTargetGoneException"/>); a new URL (saving the instance with it) or the end of the hold sends again.
/// </summary>
internal sealed class CustomerWebhookSender(IHttpClientFactory httpClients, TimeProvider time)
{
    /// <summary>How long a 410 stops deliveries to that URL before the next change tries it again.</summary>
    public static readonly TimeSpan GoneHold = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(string Instance, Uri Url), (DateTimeOffset At, string Answer)> _gone = new();

    public async ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = WebhooksOptions.From(instance.Settings);
        if (options.TargetUrl is null)
        {
            return SyncResult.Success(detail: "no target URL configured: inbound only");
        }
        ThrowIfGone(instance, options.TargetUrl);
        var answer = await PostAsync(options, "customer.updated", change, $"msg_{change.CustomerId:N}_{change.Version}", cancellationToken);
        return answer.Status switch
        {
            >= 200 and < 300 => SyncResult.Success(detail: $"target answered {answer.Status}"),
            (int)HttpStatusCode.Gone => throw Gone(instance, options.TargetUrl, answer),
            >= 300 and < 400 => SyncResult.Refused($"target answered a redirect ({answer.Status}); redirects are not followed, fix the URL"),
            _ => SyncResult.Refused($"target refused the change with {answer.Status}{answer.Quoted}"),
        };
    }

    /// <summary>
    /// <c>{"type": "customer.merged", "timestamp": ..., "data": {"survivorId", "survivorVersion", "mergedCustomerIds",
    /// "mergedCustomers", ...}}</c>, signed the same way, before the survivor's customer.updated. The webhook-id is derived
    /// from survivor and merged ids, so retries deduplicate even when the survivor's version they ride with moves on.
    /// </summary>
    public async ValueTask<SyncResult> MergeAsync(CustomerMerge merge, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = WebhooksOptions.From(instance.Settings);
        if (options.TargetUrl is null)
        {
            return SyncResult.Success(detail: "no target URL configured: inbound only");
        }
        ThrowIfGone(instance, options.TargetUrl);
        var answer = await PostAsync(options, "customer.merged", merge, MergeMessageId(merge), cancellationToken);
        return answer.Status switch
        {
            >= 200 and < 300 => SyncResult.Success(detail: $"target answered {answer.Status}"),
            (int)HttpStatusCode.Gone => throw Gone(instance, options.TargetUrl, answer),
            >= 300 and < 400 => SyncResult.Refused($"target answered a redirect ({answer.Status}); redirects are not followed, fix the URL"),
            _ => SyncResult.Refused($"target refused the merge with {answer.Status}{answer.Quoted}"),
        };
    }

    private void ThrowIfGone(ConnectorInstance instance, Uri url)
    {
        if (_gone.TryGetValue((instance.Id, url), out var gone))
        {
            if (time.GetUtcNow() - gone.At < GoneHold)
            {
                throw new SyncTargetGoneException(GoneReason(url, gone.At, gone.Answer));
            }
            _gone.TryRemove(KeyValuePair.Create((instance.Id, url), gone));
        }
    }

    private SyncTargetGoneException Gone(ConnectorInstance instance, Uri url, TargetAnswer answer)
    {
        var at = time.GetUtcNow();
        _gone[(instance.Id, url)] = (at, answer.Quoted);
        return new SyncTargetGoneException(GoneReason(url, at, answer.Quoted));
    }

    private static string GoneReason(Uri url, DateTimeOffset at, string answer) =>
        $"target {url} answered 410 Gone at {at:u}{answer}: it wants no more webhooks, so none is sent to it until " +
        $"{at + GoneHold:u} or until the instance is saved with another URL; replay this change once it takes them again";

    /// <summary><c>msg_merge_&lt;survivor&gt;_&lt;first 16 bytes of SHA-256 over the sorted merged ids&gt;</c>.</summary>
    public static string MergeMessageId(CustomerMerge merge)
    {
        var ids = string.Join(",", merge.MergedCustomerIds.Order().Select(id => id.ToString("N")));
        return $"msg_merge_{merge.SurvivorId:N}_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ids)), 0, 16)}";
    }

    /// <summary>
    /// <c>{"type": "customer.erased", "timestamp": ..., "data": {"customerId", "erasureRequestId", "requestedAt", "externalIdentifiers"}}</c>,
    /// signed the same way; the webhook-id is derived from the erasure request, so retries deduplicate.
    /// </summary>
    public async ValueTask<ErasureResult> EraseAsync(CustomerErasure erasure, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = WebhooksOptions.From(instance.Settings);
        if (options.TargetUrl is null)
        {
            return ErasureResult.Erased("no target URL configured: nothing was sent there");
        }
        var answer = await PostAsync(options, "customer.erased", erasure, $"msg_erasure_{erasure.ErasureRequestId:N}", cancellationToken);
        return answer.Status switch
        {
            >= 200 and < 300 => ErasureResult.Erased($"target answered {answer.Status}"),
            (int)HttpStatusCode.NotFound or (int)HttpStatusCode.Gone => ErasureResult.Erased($"target answered {answer.Status}: it holds no such customer (any more)"),
            _ => ErasureResult.Refused($"target refused the erasure with {answer.Status}{answer.Quoted}"),
        };
    }

    /// <summary>
    /// Posts <c>{"type", "timestamp", "data"}</c>, signed; returns a 2xx or a refusal for good, and throws on a
    /// redelivery-worthy answer (408, 429, 5xx): <see cref="SyncTargetUnavailableException"/> with the wait when the target
    /// named one in <c>Retry-After</c>. The body's <c>timestamp</c> is the event's time; the <c>webhook-timestamp</c> and
    /// signature are made again for each attempt, so a retry is never refused as stale.
    /// </summary>
    private async Task<TargetAnswer> PostAsync<TData>(WebhooksOptions options, string type, TData data, string messageId, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type,
            timestamp = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            data,
        }, JsonSerializerOptions.Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TargetUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add("webhook-id", messageId);
        SignForNow(request);
        request.Options.Set(HubHttpClients.BeforeEachAttempt, SignForNow);

        using var response = await httpClients.CreateClient(HubHttpClients.Outbound).SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500)
        {
            throw RetryAfter(response) is { } wait
                ? new SyncTargetUnavailableException($"target answered {status}, asking to wait {wait.TotalSeconds:0} s", wait)
                : new HttpRequestException($"target answered {status}", null, response.StatusCode);
        }
        return new TargetAnswer(status, status is >= 200 and < 300 ? "" : await AnswerExcerpt.ReadAsync(response, cancellationToken));

        void SignForNow(HttpRequestMessage attempt)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            attempt.Headers.Remove("webhook-timestamp");
            attempt.Headers.Remove("webhook-signature");
            attempt.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            attempt.Headers.Add("webhook-signature", StandardWebhookSignature.Sign(options.TargetKey!, messageId, timestamp, body));
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow(),
        _ => null,
    };
}
