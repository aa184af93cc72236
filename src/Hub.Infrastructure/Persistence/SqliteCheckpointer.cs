using Hub.Infrastructure.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Embedded mode: copies the SQLite files' write-ahead logs back into the files, off the writers' path. By default
/// SQLite makes the commit that crosses 1,000 pages of log do that copy, so every few resolution transactions one
/// of them carried a checkpoint of a few megabytes inside SQLite's single write lock. Here the connections turn
/// that off (<see cref="SqliteConnectionSettings"/>) and this loop checkpoints each file about every second.
/// </summary>
/// <remarks>
/// First a passive checkpoint: it copies what no reader still needs and waits for nobody, so it does the bulk of the
/// copying beside the writers. The log only starts over when a writer begins after a checkpoint that copied all of it,
/// and a busy hub commits while the passive one runs, so on its own it never gets there: the log grew by the whole
/// load (over a gigabyte in a minute of the benchmark), every write went to new file space, and every read looked the
/// page up in an ever longer index. So when anything was written since the last restart, a restart checkpoint follows.
/// It takes the write lock (the resolution loop between two transactions, through <see cref="WriterPause"/>; other
/// writers through SQLite's busy wait), copies the few frames written meanwhile and waits for readers to leave the log;
/// the next writer then starts the log over. The log stays about a second of writes long and its file is reused. A
/// reader that stays longer than <see cref="BusyTimeoutMilliseconds"/> only puts the restart off to the next round,
/// so resolution never waits long for it.
/// </remarks>
internal sealed partial class SqliteCheckpointer(IReadOnlyList<SqliteCheckpointer.File> files, TimeProvider time, ILogger<SqliteCheckpointer> logger)
    : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long the restart checkpoint waits for a writer or reader of the file to finish before it gives up until the next round.</summary>
    private const int BusyTimeoutMilliseconds = 200;

    /// <summary>A SQLite file to checkpoint; <paramref name="Pause"/>, where given, is taken by its main writer around each transaction.</summary>
    public sealed record File(string ConnectionString, WriterPause? Pause = null);

    public TimeSpan Interval { get; init; } = DefaultInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connections = new List<SqliteConnection>();
        // Per file, the log's length in frames after the last complete restart checkpoint: unchanged means nothing was written since.
        var restartedAt = files.Select(_ => -1L).ToArray();
        var outages = files.Select(f => new OutageLog(logger, $"Checkpoint of {DataSource(f)}", time)).ToArray();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Interval, time, stoppingToken);
                for (var i = 0; i < files.Count; i++)
                {
                    try
                    {
                        if (connections.Count <= i)
                        {
                            connections.Add(await OpenAsync(files[i].ConnectionString, stoppingToken));
                        }
                        restartedAt[i] = await CheckpointAsync(connections[i], files[i].Pause, restartedAt[i], stoppingToken);
                        outages[i].Succeeded();
                    }
                    catch (SqliteException e)
                    {
                        var file = DataSource(files[i]);
                        outages[i].Failed(e, (log, exception) => LogCheckpointFailed(log, file, exception));
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

    private static string DataSource(File file) => new SqliteConnectionStringBuilder(file.ConnectionString).DataSource;

    private static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// A passive checkpoint that copied all the frames it saw is not enough: it sees the log as it was when it began, and a
    /// busy writer commits while it copies. So the restart follows whenever the log has frames written since the last one.
    /// </summary>
    private static async Task<long> CheckpointAsync(SqliteConnection connection, WriterPause? pause, long restartedAt, CancellationToken cancellationToken)
    {
        var passive = await RunAsync(connection, "PASSIVE", cancellationToken);
        if (passive.Logged == 0 || passive.Logged == restartedAt)
        {
            return restartedAt;
        }
        using (pause is null ? default(WriterPause.Turn?) : await pause.EnterAsync(cancellationToken))
        {
            var restart = await RunAsync(connection, "RESTART", cancellationToken);
            return restart.Busy ? -1 : restart.Logged;
        }
    }

    /// <summary>Runs a checkpoint; SQLite answers whether it gave up waiting, and how many frames the log holds.</summary>
    private static async Task<(bool Busy, long Logged)> RunAsync(SqliteConnection connection, string mode, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0) != 0, reader.GetInt64(1)) : (false, 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint of {File} failed; trying again in a second")]
    private static partial void LogCheckpointFailed(ILogger logger, string file, Exception exception);
}
