using Hub.Contracts.Connectors;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Connectors.Twitter;

/// <summary>The connector's one public door.</summary>
public static class TwitterConnectorExtensions
{
    /// <summary>Adds the Twitter/X connector (kind <c>twitter</c>).</summary>
    public static IServiceCollection AddTwitterConnector(this IServiceCollection services) =>
        services.AddConnector<TwitterConnector>();
}
