using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Infrastructure.Polling;

public static class PollingExtensions
{
    /// <summary>Runs the polling sources among the connector instances (an X account in polling mode).</summary>
    public static IServiceCollection AddHubPolling(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PollingOptions>(configuration.GetSection(PollingOptions.Section));
        services.AddHostedService<PollingSourceRunner>();
        return services;
    }
}
