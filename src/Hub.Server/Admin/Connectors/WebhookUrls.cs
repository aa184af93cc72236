namespace Hub.Server.Admin.Connectors;

/// <summary>The URL a source system posts to, as the admin reached the hub (put the hub behind its public name to get that one).</summary>
public static class WebhookUrls
{
    public static string For(HttpRequest request, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}/webhooks/{Uri.EscapeDataString(instanceId)}";
    }
}
