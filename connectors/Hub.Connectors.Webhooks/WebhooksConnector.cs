using Hub.Connectors.Webhooks.Inbound;
using Hub.Connectors.Webhooks.Sync;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Erasure;

namespace Hub.Connectors.Webhooks;

/// <summary>Generic signed webhooks in and out, the way any existing CRM or app talks to the hub.</summary>
internal sealed class WebhooksConnector(CustomerWebhookSender sender, IHttpClientFactory httpClients)
    : IConnector, IInboundWebhookHandler, IMergeSyncTarget, IErasureTarget, IConnectionTester
{
    public const string Kind = "webhooks";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "Signed webhooks (any CRM)",
        "Segment Spec calls or touchpoint CloudEvents in, customer changes out, signed with Standard Webhooks.",
        WebhooksOptions.Descriptors);

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => WebhooksOptions.Problems(settings);

    public ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(WebhookReceiver.Receive(request, instance));

    public bool TakesChanges(ConnectorInstance instance) => WebhooksOptions.From(instance.Settings).TargetUrl is not null;

    public ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken) =>
        sender.PushAsync(change, instance, cancellationToken);

    public ValueTask<SyncResult> MergeAsync(CustomerMerge merge, ConnectorInstance instance, CancellationToken cancellationToken) =>
        sender.MergeAsync(merge, instance, cancellationToken);

    public ValueTask<ErasureResult> EraseAsync(CustomerErasure erasure, ConnectorInstance instance, CancellationToken cancellationToken) =>
        sender.EraseAsync(erasure, instance, cancellationToken);

    public async ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var target = WebhooksOptions.From(instance.Settings).TargetUrl;
        if (target is null)
        {
            return new(ConnectionTestOutcome.Ok, "Inbound only: there is no target URL to reach.");
        }
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, target);
            using var response = await httpClients.CreateClient(HubHttpClients.Outbound).SendAsync(request, cancellationToken);
            return Meaning((int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return new(ConnectionTestOutcome.Unreachable, $"The target could not be reached: {e.Message}");
        }
    }

    /// <summary>
    /// What the target's answer to the OPTIONS probe says. 405 and 501 are how a server that takes only POST turns OPTIONS
    /// away (Python's http.server answers 501): it is up, and the first change sent shows whether it takes the hub's
    /// deliveries. Nothing at the path (404, 410) is a wrong URL; another 5xx is a fault on the target's side.
    /// </summary>
    internal static ConnectionTestResult Meaning(int status) => status switch
    {
        < 400 => new(ConnectionTestOutcome.Ok, $"The target answered {status}."),
        405 or 501 => new(ConnectionTestOutcome.Ok,
            $"The target is reachable; it answered {status} because it does not handle the OPTIONS probe. Whether it takes the hub's signed POSTs shows with the first change sent."),
        404 or 410 => new(ConnectionTestOutcome.BadSettings,
            $"The target answered {status}: nothing takes requests at this URL. Check its path."),
        >= 500 => new(ConnectionTestOutcome.Unreachable,
            $"The target answered {status}: a fault on its side (down, overloaded or misconfigured). Changes sent meanwhile are retried, then kept as failed messages."),
        _ => new(ConnectionTestOutcome.BadSettings,
            $"The target refused the probe with {status}. Check the URL and what the target expects."),
    };
}
