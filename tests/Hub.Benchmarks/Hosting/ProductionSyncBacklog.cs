using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Hub.Benchmarks.Hosting;

/// <summary>
/// Drops the sync-back work a production hub has not done yet: unsent outbox rows are marked sent (so no
/// relay publishes them) and the sync queues are purged. Benchmark only: those changes never reach the target.
/// </summary>
internal static class ProductionSyncBacklog
{
    /// <summary>Returns the outbox rows marked, the messages purged and how many of <paramref name="queues"/> existed.</summary>
    public static async Task<(int OutboxRows, uint Queued, int Queues)> DropAsync(
        string databaseConnectionString, Uri amqp, IEnumerable<string> queues, CancellationToken cancellationToken)
    {
        int outboxRows;
        await using (var connection = new NpgsqlConnection(databaseConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""update outbox set "SentAt" = now() where "SentAt" is null""", connection);
            outboxRows = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var broker = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync(cancellationToken);
        uint queued = 0;
        var existing = 0;
        foreach (var queue in queues)
        {
            // A purge of a queue that does not exist closes the channel, so each gets its own.
            await using var channel = await broker.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                queued += await channel.QueuePurgeAsync(queue, cancellationToken);
                existing++;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                // This hub version has no such queue.
            }
        }
        return (outboxRows, queued, existing);
    }
}
