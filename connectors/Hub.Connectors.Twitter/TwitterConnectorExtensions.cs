using Hub.Contracts.Connectors;
using Hub.Connectors.Twitter.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Connectors.Twitter;

/// <summary>The connector's one public door.</summary>
public static class TwitterConnectorExtensions
{
    /// <summary>Adds the Twitter/X connector (kind <c>twitter</c>).</summary>
    public static IServiceCollection AddTwitterConnector(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        services.TryAddSingleton<XMessageSender>();
        services.TryAddSingleton<Inbound.MentionsPoller>();
        services.TryAddSingleton<Connection.XConnectionTester>();
        return services.AddConnector<TwitterConnector>();
    }
}
