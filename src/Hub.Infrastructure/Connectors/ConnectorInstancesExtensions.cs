using Hub.Infrastructure.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Infrastructure.Connectors;

public static class ConnectorInstancesExtensions
{
    /// <summary>The configured and the stored connector instances; the stored ones are loaded before the bus and the pollers start.</summary>
    public static IServiceCollection AddConnectorInstances(this IServiceCollection services)
    {
        services.TryAddSingleton<ConnectorInstances>();
        services.TryAddSingleton<StoredConnectorInstances>();
        services.TryAddSingleton<AuditLog>();
        services.AddHostedService<StoredConnectorInstancesRefresher>();
        return services;
    }
}
