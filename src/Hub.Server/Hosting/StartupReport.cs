using Hub.Contracts.Connectors;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.KeyRing;
using Hub.Infrastructure.Messaging;
using Hub.Infrastructure.Persistence;
using Hub.Server.Security;
using Hub.Server.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Hub.Server.Hosting;

/// <summary>
/// Tells the operator at start what the process runs with (mode, database, broker, key-ring protection, metrics and
/// API keys, trusted proxies, connector instances; never a password or key). Registered first, so it speaks before a
/// migration or the broker can fail the start. The <c>Hub:</c> keys nothing reads are warned about earlier, by
/// <see cref="ConfigurationCheck"/>.
/// </summary>
internal sealed partial class StartupReport(
    IConfiguration configuration,
    IEnumerable<IConnector> connectors,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var database = Bind<DatabaseOptions>(DatabaseOptions.Section);
        var bus = Bind<BusOptions>(BusOptions.Section);
        var telemetry = Bind<TelemetryOptions>(TelemetryOptions.Section);
        var proxies = Bind<TrustedProxyOptions>(TrustedProxyOptions.Section).TrustedProxies;
        LogStores(
            logger,
            (database.Provider, bus.Transport) switch
            {
                (DatabaseProvider.PostgreSql, BusTransport.RabbitMq) => "production",
                (DatabaseProvider.Sqlite, BusTransport.InMemory) => "embedded",
                _ => "mixed",
            },
            database.Provider,
            database.Location(),
            bus.Transport,
            bus.Transport == BusTransport.RabbitMq ? $", {bus.BrokerLocation()}, quorum queues {(bus.QuorumQueues ? "on" : "off")}" : "",
            Health.HealthExtensions.InstanceId);
        LogAccess(
            logger,
            Bind<KeyRingOptions>(KeyRingOptions.Section).Protection(),
            Counted(configuration.GetSection(ApiKeyStore.Section).GetChildren().Count(k => !string.IsNullOrEmpty(k.Value)), "API key", "API keys"),
            !telemetry.PrometheusEnabled ? "off" : telemetry.MetricsRequireApiKey ? "needs an API key" : "open to anyone who reaches the port",
            proxies.Count == 0 ? "loopback only" : "loopback, " + string.Join(", ", proxies));
        var instances = configuration.GetSection(ConnectorInstances.Section).GetChildren().ToList();
        LogConnectors(
            logger,
            instances.Count == 0
                ? "no instances configured"
                : $"{Counted(instances.Count, "instance", "instances")} configured: {string.Join(", ", instances.Select(i => $"{i.Key} ({i["Kind"]})"))}");
        WarnAboutUndeclaredOptions(instances);
        lifetime.ApplicationStarted.Register(() =>
            LogListening(logger, string.Join(", ", server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])));
        return Task.CompletedTask;
    }

    private void WarnAboutUndeclaredOptions(IEnumerable<IConfigurationSection> instances)
    {
        var byKind = connectors.ToDictionary(c => c.Descriptor.Kind, StringComparer.OrdinalIgnoreCase);
        foreach (var instance in instances)
        {
            if (instance["Kind"] is not { } kind || !byKind.TryGetValue(kind, out var connector))
            {
                continue; // refused at start, with its own message
            }
            foreach (var undeclared in UndeclaredConnectorOptions.In(instance, connector.Descriptor))
            {
                if (undeclared.DidYouMean is { } near)
                {
                    LogUndeclaredOptionNear(logger, undeclared.Key, connector.Descriptor.Kind, near);
                }
                else
                {
                    LogUndeclaredOption(logger, undeclared.Key, connector.Descriptor.Kind);
                }
            }
        }
    }

    private static string Counted(int count, string one, string many) => $"{count} {(count == 1 ? one : many)}";

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private T Bind<T>(string section)
        where T : new() => configuration.GetSection(section).Get<T>() ?? new T();

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub starting in {Mode} mode: database {DatabaseProvider}, {DatabaseLocation}; bus {BusTransport}{Broker}; instance {Instance}")]
    private static partial void LogStores(ILogger logger, string mode, DatabaseProvider databaseProvider, string databaseLocation, BusTransport busTransport, string broker, string instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub access: key-ring protection {KeyRingProtection}; {ApiKeys} configured (stored ones come on top); /metrics {Metrics}; forwarded headers believed from {TrustedProxies}")]
    private static partial void LogAccess(ILogger logger, string keyRingProtection, string apiKeys, string metrics, string trustedProxies);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub connectors: {ConfiguredInstances} (those added in the admin UI are read from the database)")]
    private static partial void LogConnectors(ILogger logger, string configuredInstances);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration key {Key} is not an option of connector {Kind} and has no effect; did you mean {KnownKey}?")]
    private static partial void LogUndeclaredOptionNear(ILogger logger, string key, string kind, string knownKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration key {Key} is not an option of connector {Kind} and has no effect (its options: the connector's doc, or the admin UI's form)")]
    private static partial void LogUndeclaredOption(ILogger logger, string key, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub listening on {Urls}")]
    private static partial void LogListening(ILogger logger, string urls);
}
