using Hub.Contracts.Connectors;
using Hub.Infrastructure.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Every sync target instance has its own queue, so one slow or broken target never holds up another. On it:
/// customer changes in the groups the outbox relay published them in, or in batches of single ones (one call for an
/// <see cref="IBatchSyncTarget"/>, one per customer otherwise) and, for an
/// <see cref="ITouchpointSyncTarget"/>, the touchpoints appended to timelines.
/// </summary>
public static class SyncEndpoints
{
    internal const string QueuePrefix = "hub-sync-";

    public static string For(string instanceId) => QueuePrefix + instanceId.ToLowerInvariant();

    public static string InstanceIdFrom(Uri inputAddress)
    {
        var name = inputAddress.AbsolutePath.TrimEnd('/').Split('/')[^1];
        return name.StartsWith(QueuePrefix, StringComparison.Ordinal) ? name[QueuePrefix.Length..] : name;
    }

    public static bool IsTarget(IConnector connector, ConnectorInstance instance) =>
        (connector is ISyncTarget target && target.TakesChanges(instance)) || connector is ITouchpointSyncTarget;

    public static void AddSyncConsumers(this IBusRegistrationConfigurator configurator)
    {
        configurator.AddScoped<SyncCheckpoints>();
        configurator.TryAddSingleton<LocalTargetTurns>();
        configurator.TryAddScoped<TargetPushLock>();
        configurator.AddScoped<TargetSync>();
        configurator.AddScoped<ExternalIdentifierLinks>();
        configurator.AddConsumer<TargetSyncConsumer>().ExcludeFromConfigureEndpoints();
        configurator.AddConsumer<TouchpointSyncConsumer>().ExcludeFromConfigureEndpoints();
    }

    public static void Configure(IReceiveEndpointConfigurator endpoint, IRegistrationContext context, IConnector connector)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit && context.GetRequiredService<BusOptions>().QuorumQueues)
        {
            rabbit.SetQuorumQueue();
        }
        // One batch at a time per target keeps a customer's versions in order and lets the circuit breaker
        // see failures before it is flooded. A target's own wait (Retry-After) is honoured inside the
        // consumer (TargetBackOff), so the retry here leaves SyncTargetUnavailableException alone.
        endpoint.UseMessageRetry(r =>
        {
            r.Ignore<SyncTargetUnavailableException>();
            // A target that said it is gone (410) is not asked again soon: the change goes to the failed messages with the reason.
            r.Ignore<SyncTargetGoneException>();
            // An internal address the guard refuses is configuration, not an outage: retrying cannot help, so the change
            // goes straight to the failed messages, where the operator sees the reason and replays it once it is allowed.
            r.Ignore<HttpRequestException>(e => e.InnerException is OutboundAddressRefusedException);
            r.Exponential(5, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5));
        });
        // A batch needs its messages in flight at once; batches of groups and of single changes stay one at a time each
        // (both take the target's turn, so they never push side by side), and touchpoints one at a time beside them.
        endpoint.ConcurrentMessageLimit = (2 * TargetSyncConsumer.BatchSize) + 1;
        endpoint.PrefetchCount = (2 * TargetSyncConsumer.BatchSize) + 1;
        if (connector is ISyncTarget)
        {
            endpoint.ConfigureConsumer<TargetSyncConsumer>(context, c => c.Options<BatchOptions>(o => o
                .SetMessageLimit(TargetSyncConsumer.BatchSize)
                .SetTimeLimit(connector is IBatchSyncTarget ? TargetSyncConsumer.BatchTime : TargetSyncConsumer.SingleCallBatchTime)
                .SetConcurrencyLimit(1)));
        }
        if (connector is ITouchpointSyncTarget)
        {
            endpoint.ConfigureConsumer<TouchpointSyncConsumer>(context, c => c.ConcurrentMessageLimit = 1);
        }
    }
}
