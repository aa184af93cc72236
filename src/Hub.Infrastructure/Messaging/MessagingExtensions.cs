using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.FailedMessages;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Outbound;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Resolution;
using Hub.Infrastructure.Sync;
using Hub.Infrastructure.Telemetry;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Infrastructure.Messaging;

public static class MessagingExtensions
{
    /// <summary>How long a delivery in hand at shutdown may still run before its token is canceled.</summary>
    public static readonly TimeSpan ConsumerStopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the hub waits for the bus to stop: well inside the host's shutdown time (30 s).</summary>
    public static readonly TimeSpan BusStopTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The bus (in-memory or RabbitMQ, from <c>Hub:Bus:Transport</c>), the resolution consumer, one
    /// sync queue per target instance, the outbox relay, the ingress that fits the transport, and the record of
    /// messages the consumers gave up on (<c>failed_messages</c>).
    /// </summary>
    public static IServiceCollection AddHubMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        var bus = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        services.AddSingleton(bus);
        var ingress = configuration.GetSection(IngressOptions.Section).Get<IngressOptions>() ?? new IngressOptions();
        if (ingress.BufferLimit < 1)
        {
            throw new HubConfigurationException($"{IngressOptions.Section}:{nameof(IngressOptions.BufferLimit)} must be at least 1 (got {ingress.BufferLimit}).");
        }
        services.AddSingleton(ingress);
        services.AddSingleton(configuration.GetSection(OutboxOptions.Section).Get<OutboxOptions>() ?? new OutboxOptions());
        services.AddSingleton((configuration.GetSection(SyncOptions.Section).Get<SyncOptions>() ?? new SyncOptions()).Validated());
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxHandover>();
        services.AddConnectorInstances();
        services.AddSingleton<SyncQueueConsumers>();
        services.AddSingleton<InterruptedSyncKeeper>();
        services.AddFailedMessages();
        services.AddMetrics();
        services.TryAddSingleton<CircuitBreakerStates>();
        services.TryAddSingleton<HubMetrics>();
        services.TryAddSingleton<OutageLogs>();

        services.AddSingleton((configuration.GetSection(ResolutionOptions.Section).Get<ResolutionOptions>() ?? new ResolutionOptions()).Validated());
        services.AddSingleton<ResolutionBatcher>();
        services.AddScoped<ResolutionCommit>();
        services.AddScoped<WebhookTokens>();
        // Hosted services start one after another in this order: the stored instances are read (the refresher, added
        // above), then the stored targets' sync queues are connected, then the bus starts, then the relay publishes. Connected
        // before the bus starts, their endpoints start with the ones of its configuration; connected while it starts, an
        // endpoint could be started twice.
        if (bus.Transport == BusTransport.RabbitMq)
        {
            services.AddSingleton<ISyncQueueTeardown, BrokerSyncQueueTeardown>();
        }
        else
        {
            services.AddSingleton<ISyncQueueTeardown, InMemorySyncQueueTeardown>();
        }
        services.AddHostedService<RuntimeSyncEndpoints>();
        services.Configure<MassTransitHostOptions>(o =>
        {
            // Without it MassTransit waits for every delivery in hand, and one held by a failing target's retries or
            // back-off outlasts the host's shutdown time. With it the consumers' tokens are canceled: the delivery gives
            // up, RabbitMQ delivers the message again, and on the in-memory bus TargetSyncConsumer puts it back in the outbox.
            o.ConsumerStopTimeout = ConsumerStopTimeout;
            o.StopTimeout = BusStopTimeout;
        });
        services.AddMassTransit(x =>
        {
            // MassTransit 8.5 otherwise reports the bus's shape to its vendor at start, outside the hub's guarded
            // outbound client; the hub makes no call its operator did not configure (docs/operations.md).
            x.DisableUsageTelemetry();
            x.AddConsumer<ResolutionConsumer, ResolutionConsumerDefinition>();
            x.AddSyncConsumers();
            if (bus.Transport == BusTransport.RabbitMq)
            {
                if (bus.QuorumQueues)
                {
                    // Every receive endpoint, the sync targets' included; their error queues follow the same type.
                    x.AddConfigureEndpointsCallback((_, _, endpoint) =>
                    {
                        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                        {
                            rabbit.SetQuorumQueue();
                        }
                    });
                }
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(bus.RabbitMqUri);
                    ConfigureEndpoints(context, cfg);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseFilter(context.GetRequiredService<InterruptedSyncKeeper>());
                    ConfigureEndpoints(context, cfg);
                });
            }
        });
        // Resolution takes it in both modes; only the in-memory bus has an ingress buffer to count.
        services.AddSingleton<IngressBacklog>();
        services.AddHostedService<OutboxRelay>();
        if (bus.Transport == BusTransport.RabbitMq)
        {
            services.AddSingleton<ITouchpointIngress, BrokerTouchpointIngress>();
            services.AddHostedService<QueueDepthMonitor>();
        }
        else
        {
            services.AddSingleton<BufferedTouchpointIngress>();
            services.AddSingleton<ITouchpointIngress>(sp => sp.GetRequiredService<BufferedTouchpointIngress>());
            services.AddHostedService(sp => sp.GetRequiredService<BufferedTouchpointIngress>());
            services.AddHostedService<IngressBufferPump>();
            services.AddSingleton<IngressBufferSweeper>();
            services.AddHostedService(sp => sp.GetRequiredService<IngressBufferSweeper>());
        }
        return services;
    }

    private static void ConfigureEndpoints<TEndpoint>(IBusRegistrationContext context, IBusFactoryConfigurator<TEndpoint> cfg)
        where TEndpoint : IReceiveEndpointConfigurator
    {
        cfg.UseFailedMessageRecording(context);
        // Only the configured instances: the bus is built when the hosted services are created, before the stored ones
        // are read, so whether a stored one made it in here would depend on timing. RuntimeSyncEndpoints connects those.
        var instances = context.GetRequiredService<ConnectorInstances>();
        var consumers = context.GetRequiredService<SyncQueueConsumers>();
        foreach (var instance in instances.All.Where(i => instances.IsConfigured(i.Id)))
        {
            if (instances.TryGet(instance.Id, out _, out var connector) && SyncEndpoints.IsTarget(connector, instance))
            {
                cfg.ReceiveEndpoint(SyncEndpoints.For(instance.Id), e => SyncEndpoints.Configure(e, context, connector));
                consumers.ConfiguredWithTheBus(instance.Id);
            }
        }
        cfg.ConfigureEndpoints(context);
    }
}
