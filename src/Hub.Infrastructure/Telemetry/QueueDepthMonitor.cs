using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Messaging;
using Hub.Infrastructure.Sync;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Hub.Infrastructure.Telemetry;

/// <summary>
/// Reads the depth of the hub's RabbitMQ queues (resolution, each sync target, and their error queues) every
/// <see cref="Interval"/> for <c>hub.queue.depth</c>. A passive declare per queue: it never creates one.
/// </summary>
internal sealed partial class QueueDepthMonitor(BusOptions bus, ConnectorInstances instances, HubMetrics metrics, TimeProvider time, ILogger<QueueDepthMonitor> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
    private readonly OutageLog _outage = new(logger, "Reading the queue depths from the broker", time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory { Uri = bus.RabbitMqUri, ClientProvidedName = "hub-queue-depth" };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await factory.CreateConnectionAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    // Asked every round: sync targets are added and removed in the admin UI while the hub runs.
                    var queues = Queues();
                    metrics.KeepQueueDepthsOf(queues);
                    foreach (var queue in queues)
                    {
                        await ReadAsync(connection, queue, stoppingToken);
                    }
                    _outage.Succeeded();
                    await Task.Delay(Interval, time, stoppingToken);
                }
            }
            catch (Exception e) when (e is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or IOException)
            {
                _outage.Failed(e, static (log, exception) => LogUnreadable(log, exception.Message));
                await Task.Delay(Interval, time, stoppingToken);
            }
        }
    }

    private List<string> Queues() => [.. instances.All
        .Where(i => instances.TryGet(i.Id, out _, out var connector) && SyncEndpoints.IsTarget(connector, i))
        .Select(i => SyncEndpoints.For(i.Id))
        .Prepend("hub-resolution")
        .SelectMany(q => new[] { q, q + "_error" })];

    private async Task ReadAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            metrics.QueueDepth(queue, ok.MessageCount);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            // Not declared yet (an error queue before the first failure): nothing waits there.
            metrics.QueueDepth(queue, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue depths cannot be read from the broker now: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
