using Hub.Infrastructure.Messaging;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// On RabbitMQ: the queue is unbound from its exchange (MassTransit binds <c>hub-sync-&lt;instance&gt;</c> to an exchange
/// of the same name, which the message types' exchanges feed), so nothing new arrives, even while another hub process
/// still consumes it for the few seconds until it sees the change too. Then it is deleted if no process consumes it
/// (<c>if-unused</c>): a process that still does keeps its deliveries in flight and deletes the queue when it stops
/// its endpoint in turn. The changes still waiting in it go with it: they were for a target that takes none any more.
/// A quorum queue refuses <c>if-unused</c> (NOT_IMPLEMENTED): it is deleted when the broker counts no consumer on it,
/// which leaves a moment between the count and the delete; only a process connecting the queue as a target again in
/// that moment could lose what it is handed. A process that connects the endpoint again declares the queue and its
/// binding anew.
/// </summary>
internal sealed partial class BrokerSyncQueueTeardown(BusOptions bus, ILogger<BrokerSyncQueueTeardown> logger) : ISyncQueueTeardown
{
    private const int NotFound = 404;
    private const int PreconditionFailed = 406;
    private const int NotImplemented = 540;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task TearDownAsync(string instanceId)
    {
        var queue = SyncEndpoints.For(instanceId);
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            var factory = new ConnectionFactory { Uri = bus.RabbitMqUri, ClientProvidedName = "hub-sync-queue-teardown" };
            await using var connection = await factory.CreateConnectionAsync(timeout.Token);
            // A failed operation closes its channel: one channel each.
            await using (var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token))
            {
                try
                {
                    await channel.QueueUnbindAsync(queue, queue, "", cancellationToken: timeout.Token);
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == NotFound)
                {
                    // No queue (another process deleted it already) or no exchange: nothing arrives.
                    return;
                }
            }
            try
            {
                await using var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token);
                var dropped = await channel.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: false, cancellationToken: timeout.Token);
                LogDeleted(logger, queue, instanceId, dropped);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == PreconditionFailed)
            {
                LogStillConsumed(logger, queue, instanceId);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == NotImplemented)
            {
                // A connection error: the broker closed this connection.
                await DeleteUnconsumedQuorumQueueAsync(factory, queue, instanceId, timeout.Token);
            }
        }
        catch (Exception e)
        {
            LogFailed(logger, e, queue, instanceId);
        }
    }

    private async Task DeleteUnconsumedQuorumQueueAsync(ConnectionFactory factory, string queue, string instanceId, CancellationToken cancellationToken)
    {
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        if ((await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).ConsumerCount > 0)
        {
            LogStillConsumed(logger, queue, instanceId);
            return;
        }
        var dropped = await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
        LogDeleted(logger, queue, instanceId, dropped);
    }

    public Task BeforeConnectAsync(string instanceId) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Queue}: connector instance '{Id}' is no sync target any more ({Dropped} changes waiting in it dropped)")]
    private static partial void LogDeleted(ILogger logger, string queue, string id, uint dropped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unbound {Queue}: connector instance '{Id}' is no sync target any more; another hub process still consumes what waits in it and deletes it when it stops")]
    private static partial void LogStillConsumed(ILogger logger, string queue, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not unbind or delete {Queue} of connector instance '{Id}', which is no sync target any more; it may keep collecting changes: delete it with rabbitmqctl delete_queue")]
    private static partial void LogFailed(ILogger logger, Exception exception, string queue, string id);
}
