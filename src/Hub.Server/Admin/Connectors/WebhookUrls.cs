using System.Text;
using Hub.Contracts.Connectors;
using Hub.Server.RemoteConnectors;

namespace Hub.Server.Admin.Connectors;

/// <summary>
/// The URL a source system posts to, as the admin reached the hub (put the hub behind its public name to get that one),
/// with the credentials the source must put in it (<see cref="ConnectorOptionDescriptor.InWebhookUrl"/>): without them
/// a source that authenticates by its URL gets 401.
/// </summary>
public static class WebhookUrls
{
    /// <summary>Whether the connector's instances take webhooks at <c>/webhooks/{id}</c>: in process, or through the gateway to a remote connector.</summary>
    public static bool AreReceivedBy(IConnector? connector) => connector is IInboundWebhookHandler or RemoteConnector;

    /// <summary>
    /// The URL for <paramref name="instanceId"/>. <paramref name="shown"/> holds, for each option the URL carries, the value
    /// to write, or null where it is set but not to be shown (a secret after the page that showed it once): a
    /// placeholder, <c>&lt;Option&gt;</c>, stands there. An option absent from it is left out of the URL (not set).
    /// </summary>
    public static string For(HttpRequest request, string instanceId, ConnectorDescriptor? descriptor = null, IReadOnlyDictionary<string, string?>? shown = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? Part(WebhookUrlPart part) =>
            descriptor?.Options.FirstOrDefault(o => o.InWebhookUrl == part) is { } option && shown is not null && shown.TryGetValue(option.Name, out var value)
                ? value is null ? $"<{option.Name}>" : Uri.EscapeDataString(value)
                : null;
        var url = new StringBuilder($"{request.Scheme}://");
        if (Part(WebhookUrlPart.BasicUser) is { } user)
        {
            url.Append(user).Append(':').Append(Part(WebhookUrlPart.BasicPassword) ?? "").Append('@');
        }
        url.Append($"{request.Host}{request.PathBase}/webhooks/{Uri.EscapeDataString(instanceId)}");
        if (Part(WebhookUrlPart.SecretQueryParameter) is { } secret)
        {
            url.Append("?secret=").Append(secret);
        }
        return url.ToString();
    }

    /// <summary>What a later page shows of the options the URL carries: their values, but null (a placeholder) for a secret.</summary>
    public static IReadOnlyDictionary<string, string?> Masked(ConnectorDescriptor descriptor, Func<string, string?> value)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(value);
        return descriptor.Options.Where(o => o.InWebhookUrl != WebhookUrlPart.None && !string.IsNullOrWhiteSpace(value(o.Name)))
            .ToDictionary(o => o.Name, o => o.IsSecret ? null : value(o.Name), StringComparer.OrdinalIgnoreCase);
    }
}
