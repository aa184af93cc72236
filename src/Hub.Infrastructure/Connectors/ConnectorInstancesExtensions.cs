using Hub.Infrastructure.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Infrastructure.Connectors;

public static class ConnectorInstancesExtensions
{
    /// <summary>
    /// The configured and the stored connector instances. The stored ones are read when the refresher starts: after the
    /// hosted services (and so the bus) were created, before the sync queues of stored targets are connected and the pollers start.
    /// </summary>
    public static IServiceCollection AddConnectorInstances(this IServiceCollection services)
    {
        services.TryAddSingleton<ConnectorInstances>();
        services.TryAddSingleton<StoredConnectorInstances>();
        services.TryAddSingleton<AuditLog>();
        services.AddHostedService<StoredConnectorInstancesRefresher>();
        return services;
    }
}
