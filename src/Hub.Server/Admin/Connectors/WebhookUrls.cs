using Hub.Contracts.Connectors;
using Hub.Server.RemoteConnectors;

namespace Hub.Server.Admin.Connectors;

/// <summary>The URL a source system posts to, as the admin reached the hub (put the hub behind its public name to get that one).</summary>
public static class WebhookUrls
{
    /// <summary>Whether the connector's instances take webhooks at <c>/webhooks/{id}</c>: in process, or through the gateway to a remote connector.</summary>
    public static bool AreReceivedBy(IConnector? connector) => connector is IInboundWebhookHandler or RemoteConnector;

    public static string For(HttpRequest request, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}/webhooks/{Uri.EscapeDataString(instanceId)}";
    }
}
