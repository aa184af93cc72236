using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Erasure;
using Hub.Server.RemoteConnectors.Gateway;
using StandardWebhooks;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Hub.Server.RemoteConnectors.Sync;

/// <summary>
/// POSTs a customer change to the remote connector's sync path as a signed Standard Webhooks message
/// (<c>{"type": "customer.updated", "timestamp": ..., "data": ...}</c>, the same body as the webhooks connector's),
/// to one replica after another until one takes it. The webhook-id is derived from customer and version, so the
/// connector deduplicates our retries. Transient failures of every replica are thrown: the sync queue retries,
/// and its circuit breaker and failed messages apply as to any target. A merge goes the same way as <c>customer.merged</c>,
/// an erasure as <c>customer.erased</c> (then the erasure dispatcher retries).
/// </summary>
internal sealed class RemoteSyncSender(IHttpClientFactory httpClients, TimeProvider time, IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> _next = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken) =>
        Synced(await SendAsync("customer.updated", change, $"msg_{change.CustomerId:N}_{change.Version}", "change", instance, cancellationToken), "change");

    /// <summary>The webhooks connector's <c>customer.merged</c> message, with the same webhook-id.</summary>
    public async ValueTask<SyncResult> MergeAsync(CustomerMerge merge, ConnectorInstance instance, CancellationToken cancellationToken) =>
        Synced(await SendAsync("customer.merged", merge, MergeMessageId(merge), "merge", instance, cancellationToken), "merge");

    /// <summary>
    /// The webhooks connector's <c>customer.erased</c> message, with the same webhook-id (<c>msg_erasure_&lt;request id&gt;</c>,
    /// so the connector deduplicates the dispatcher's retries). <c>404</c> and <c>410</c> are done: it holds no such customer.
    /// </summary>
    public async ValueTask<ErasureResult> EraseAsync(CustomerErasure erasure, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var answer = await SendAsync("customer.erased", erasure, $"msg_erasure_{erasure.ErasureRequestId:N}", "erasure", instance, cancellationToken);
        return answer.Status switch
        {
            >= 200 and < 300 => ErasureResult.Erased($"{answer.Replica} answered {answer.Status}"),
            (int)HttpStatusCode.NotFound or (int)HttpStatusCode.Gone => ErasureResult.Erased($"{answer.Replica} answered {answer.Status}: it holds no such customer (any more)"),
            _ => ErasureResult.Refused($"{answer.Replica} refused the erasure with {answer.Status}{AnswerExcerpt.Quoted(answer.Excerpt)}"),
        };
    }

    private static SyncResult Synced(ReplicaAnswer answer, string what) => answer.Status is >= 200 and < 300
        ? SyncResult.Success(detail: $"{answer.Replica} answered {answer.Status}")
        : SyncResult.Refused($"{answer.Replica} refused the {what} with {answer.Status}");

    private static string MergeMessageId(CustomerMerge merge)
    {
        var ids = string.Join(",", merge.MergedCustomerIds.Order().Select(id => id.ToString("N")));
        return $"msg_merge_{merge.SurvivorId:N}_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ids)), 0, 16)}";
    }

    /// <summary>
    /// The answer of the first replica that took the message (2xx) or refused it for good (another status but 408, 429
    /// and 5xx, which mean the next replica); throws when no replica gave either.
    /// </summary>
    private async ValueTask<ReplicaAnswer> SendAsync<T>(string type, T data, string messageId, string what, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = RemoteOptions.From(instance.Settings);
        var now = time.GetUtcNow();
        var body = JsonSerializer.Serialize(new
        {
            type,
            timestamp = now.ToString("O", CultureInfo.InvariantCulture),
            data,
        }, JsonSerializerOptions.Web);
        var signature = new StandardWebhook(options.SigningSecret).Sign(messageId, now, body);

        var failures = new List<string>();
        foreach (var address in ReplicasInTurn(instance.Id, options.Addresses))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, RemoteOptions.OnReplica(address, options.SyncPath));
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            request.Headers.Add("webhook-id", messageId);
            request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", signature);
            HttpResponseMessage response;
            try
            {
                response = await httpClients.CreateClient(HubHttpClients.OutboundSelfPaced).SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (!IsRefusedAddress(e))
            {
                failures.Add($"{address}: {e.Message}");
                continue;
            }
            catch (Polly.CircuitBreaker.BrokenCircuitException e)
            {
                failures.Add($"{address}: {e.Message}");
                continue;
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                switch (status)
                {
                    case >= 200 and < 300:
                        return new ReplicaAnswer(address, status, "");
                    case (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500:
                        failures.Add($"{address} answered {status}");
                        continue;
                    default:
                        return new ReplicaAnswer(address, status, await AnswerExcerpt.ReadAsync(response, cancellationToken));
                }
            }
        }
        throw new HttpRequestException($"No replica of the remote connector took the {what}: " + string.Join("; ", failures));
    }

    /// <summary>
    /// The instance's replicas starting at a different one each time (per instance, so the changes spread like the
    /// webhooks do), those the gateway's health checks took out of the rotation last: a hanging replica would
    /// otherwise hold every change for its timeout before the next one is tried.
    /// </summary>
    private IEnumerable<Uri> ReplicasInTurn(string instanceId, IReadOnlyList<Uri> addresses)
    {
        var counter = _next.GetOrAdd(instanceId, _ => new StrongBox<int>(-1));
        var start = (int)((uint)Interlocked.Increment(ref counter.Value) % (uint)addresses.Count);
        var inTurn = Enumerable.Range(0, addresses.Count).Select(i => (start + i) % addresses.Count).ToList();
        // Looked up here, not taken in the constructor: the gateway's state is built from the connector instances, which
        // are built from the connectors, this one's sender among them; taking it there deadlocked the hub's start.
        if (services.GetService<IProxyStateLookup>() is not { } gateway || !gateway.TryGetCluster(RemoteGatewayConfig.ClusterId(instanceId), out var cluster))
        {
            return inTurn.Select(i => addresses[i]);
        }
        return inTurn
            .OrderBy(i => cluster.Destinations.TryGetValue(RemoteGatewayConfig.DestinationId(i), out var replica)
                && (replica.Health.Active == DestinationHealth.Unhealthy || replica.Health.Passive == DestinationHealth.Unhealthy))
            .Select(i => addresses[i]);
    }

    private static bool IsRefusedAddress(HttpRequestException exception) =>
        exception.InnerException is OutboundAddressRefusedException;

    /// <summary>A replica's final answer: its status and, for a refusal, the start of what it said.</summary>
    private sealed record ReplicaAnswer(Uri Replica, int Status, string Excerpt);
}
