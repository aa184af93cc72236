using Hub.Connectors.Webhooks.Sync;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Connectors.Webhooks;

/// <summary>The connector's one public door.</summary>
public static class WebhooksConnectorExtensions
{
    /// <summary>Adds the generic signed-webhooks connector (kind <c>webhooks</c>).</summary>
    public static IServiceCollection AddWebhooksConnector(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        services.TryAddSingleton<CustomerWebhookSender>();
        return services.AddConnector<WebhooksConnector>();
    }
}
