using Npgsql;
using RabbitMQ.Client;

namespace Hub.Benchmarks.Hosting;

/// <summary>
/// Drops the sync-back work a production hub has not done yet: unsent outbox rows are marked sent (so no
/// relay publishes them) and the target's queue is purged. Benchmark only: those changes never reach the target.
/// </summary>
internal static class ProductionSyncBacklog
{
    public static async Task<(int OutboxRows, uint Queued)> DropAsync(string databaseConnectionString, Uri amqp, string queue, CancellationToken cancellationToken)
    {
        int outboxRows;
        await using (var connection = new NpgsqlConnection(databaseConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""update outbox set "SentAt" = now() where "SentAt" is null""", connection);
            outboxRows = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var broker = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync(cancellationToken);
        await using var channel = await broker.CreateChannelAsync(cancellationToken: cancellationToken);
        return (outboxRows, await channel.QueuePurgeAsync(queue, cancellationToken));
    }
}
