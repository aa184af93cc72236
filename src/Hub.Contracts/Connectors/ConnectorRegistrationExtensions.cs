using Microsoft.Extensions.DependencyInjection;

namespace Hub.Contracts.Connectors;

/// <summary>How a connector project registers itself with the host in its one <c>AddXConnector()</c> call.</summary>
public static class ConnectorRegistrationExtensions
{
    /// <summary>Registers <typeparamref name="TConnector"/> as a singleton <see cref="IConnector"/>.</summary>
    public static IServiceCollection AddConnector<TConnector>(this IServiceCollection services)
        where TConnector : class, IConnector
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(TConnector)))
        {
            return services;
        }
        services.AddSingleton<TConnector>();
        services.AddSingleton<IConnector>(sp => sp.GetRequiredService<TConnector>());
        return services;
    }
}
