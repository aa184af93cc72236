namespace Hub.Contracts.Connectors;

/// <summary>A connector that receives webhooks at <c>POST /webhooks/{instanceId}</c>.</summary>
public interface IInboundWebhookHandler
{
    /// <summary>
    /// Verifies the request's authenticity with the channel's own scheme, parses it and returns the
    /// touchpoints plus the exact response the source expects. It must not store anything itself:
    /// the host answers with <see cref="InboundWebhookResult.Response"/> only after the touchpoints are durable.
    /// </summary>
    ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance instance, CancellationToken cancellationToken);
}
