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
/// </summary>
internal sealed class CustomerWebhookSender(IHttpClientFactory httpClients, TimeProvider time)
{
    public async ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = WebhooksOptions.From(instance.Settings);
        if (options.TargetUrl is null)
        {
            return SyncResult.Success(detail: "no target URL configured: inbound only");
        }
        var status = await PostAsync(options, "customer.updated", change, $"msg_{change.CustomerId:N}_{change.Version}", cancellationToken);
        return status switch
        {
            >= 200 and < 300 => SyncResult.Success(detail: $"target answered {status}"),
            (int)HttpStatusCode.Gone => SyncResult.Refused("target answered 410 Gone: it no longer wants webhooks"),
            >= 300 and < 400 => SyncResult.Refused($"target answered a redirect ({status}); redirects are not followed, fix the URL"),
            _ => SyncResult.Refused($"target refused the change with {status}"),
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
        var status = await PostAsync(options, "customer.merged", merge, MergeMessageId(merge), cancellationToken);
        return status switch
        {
            >= 200 and < 300 => SyncResult.Success(detail: $"target answered {status}"),
            >= 300 and < 400 => SyncResult.Refused($"target answered a redirect ({status}); redirects are not followed, fix the URL"),
            _ => SyncResult.Refused($"target refused the merge with {status}"),
        };
    }

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
        var status = await PostAsync(options, "customer.erased", erasure, $"msg_erasure_{erasure.ErasureRequestId:N}", cancellationToken);
        return status switch
        {
            >= 200 and < 300 => ErasureResult.Erased($"target answered {status}"),
            (int)HttpStatusCode.NotFound or (int)HttpStatusCode.Gone => ErasureResult.Erased($"target answered {status}: it holds no such customer (any more)"),
            _ => ErasureResult.Refused($"target refused the erasure with {status}"),
        };
    }

    /// <summary>
    /// Posts <c>{"type", "timestamp", "data"}</c>, signed; returns the status of a 2xx or a refusal for good, and throws on a
    /// redelivery-worthy answer (408, 429, 5xx).
    /// </summary>
    private async Task<int> PostAsync<TData>(WebhooksOptions options, string type, TData data, string messageId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type,
            timestamp = now.ToString("O", CultureInfo.InvariantCulture),
            data,
        }, JsonSerializerOptions.Web);
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TargetUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookSignature.Sign(options.TargetKey!, messageId, timestamp, body));

        using var response = await httpClients.CreateClient(HubHttpClients.Outbound).SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        return status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500
            ? throw new HttpRequestException($"target answered {status}", null, response.StatusCode)
            : status;
    }
}
