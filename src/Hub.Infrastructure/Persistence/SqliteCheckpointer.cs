using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Embedded mode: copies the SQLite files' write-ahead logs back into the files, off the writers' path. By default
/// SQLite makes the commit that crosses 1,000 pages of log do that copy, so every few resolution transactions one
/// of them carried a checkpoint of a few megabytes inside SQLite's single write lock. Here the connections turn
/// that off (<see cref="SqliteConnectionSettings"/>) and this loop runs a passive checkpoint about every second:
/// it copies what no reader still needs and waits for nobody; the next writer after a complete one starts the log
/// over, so the log stays about a second of writes long.
/// </summary>
internal sealed partial class SqliteCheckpointer(IReadOnlyList<string> connectionStrings, TimeProvider time, ILogger<SqliteCheckpointer> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connections = new List<SqliteConnection>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Interval, time, stoppingToken);
                for (var i = 0; i < connectionStrings.Count; i++)
                {
                    try
                    {
                        if (connections.Count <= i)
                        {
                            var connection = new SqliteConnection(connectionStrings[i]);
                            await connection.OpenAsync(stoppingToken);
                            connections.Add(connection);
                        }
                        await CheckpointAsync(connections[i], stoppingToken);
                    }
                    catch (SqliteException e)
                    {
                        LogCheckpointFailed(logger, new SqliteConnectionStringBuilder(connectionStrings[i]).DataSource, e);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task CheckpointAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint of {File} failed; trying again in a second")]
    private static partial void LogCheckpointFailed(ILogger logger, string file, Exception exception);
}
