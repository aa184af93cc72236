using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Infrastructure.Erasure;

public static class ErasureExtensions
{
    /// <summary>The eraser (the API's transaction) and the dispatcher that takes erasures to every connected system.</summary>
    public static IServiceCollection AddHubErasure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(ErasureOptions.Section).Get<ErasureOptions>() ?? new ErasureOptions());
        services.AddSingleton<ErasureSignal>();
        services.AddScoped<CustomerEraser>();
        services.AddHostedService<ErasureDispatcher>();
        return services;
    }
}
