using Hub.Contracts.Connectors;
using Hub.Server.RemoteConnectors.ConnectorApi;
using Hub.Server.RemoteConnectors.Gateway;
using Hub.Server.RemoteConnectors.Sync;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Hub.Server.RemoteConnectors;

/// <summary>Connectors in other processes: the <c>remote</c> kind, the gateway in front of them, and the connector API.</summary>
internal static class RemoteConnectorsExtensions
{
    public static IServiceCollection AddRemoteConnectors(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        services.TryAddSingleton<RemoteSyncSender>();
        services.TryAddSingleton<ConnectorTokens>();
        services.TryAddSingleton<RemoteGatewayConfig>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<RemoteGatewayConfig>());
        services.AddReverseProxy().AddTransforms(GatewayTransforms.Apply);
        services.AddSingleton<IActiveHealthCheckPolicy, ReplicaProbePolicy>();
        services.AddLogging(logging => logging.AddFilter(ReplicaProbePolicy.ProbeLogCategory, LogLevel.Error));
        return services.AddConnector<RemoteConnector>();
    }

    public static IEndpointRouteBuilder MapRemoteConnectors(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy(gateway =>
        {
            gateway.Use(GatewayBodyLimit.ApplyAsync);
            gateway.UseSessionAffinity();
            gateway.UseLoadBalancing();
            gateway.UsePassiveHealthChecks();
        });
        app.MapConnectorApi();
        return app;
    }
}
