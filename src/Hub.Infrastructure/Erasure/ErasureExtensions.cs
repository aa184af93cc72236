using Hub.Infrastructure.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Infrastructure.Erasure;

public static class ErasureExtensions
{
    /// <summary>The eraser (the API's transaction) and the dispatcher that takes erasures to every connected system.</summary>
    public static IServiceCollection AddHubErasure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(ErasureOptions.Section).Get<ErasureOptions>() ?? new ErasureOptions());
        services.AddSingleton<ErasureSignal>();
        services.AddScoped<CustomerEraser>();
        // Also registered with the sync consumers; an erasure's call to a target takes the target's turn like a push.
        services.TryAddSingleton<LocalTargetTurns>();
        services.TryAddScoped<TargetPushLock>();
        services.AddHostedService<ErasureDispatcher>();
        return services;
    }
}
