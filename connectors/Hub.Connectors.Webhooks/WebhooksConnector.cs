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
            return new(ConnectionTestOutcome.Ok, $"The target answered {(int)response.StatusCode}.");
        }
        catch (HttpRequestException e)
        {
            return new(ConnectionTestOutcome.Unreachable, $"The target could not be reached: {e.Message}");
        }
    }
}
