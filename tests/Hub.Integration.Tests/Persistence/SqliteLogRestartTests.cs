using System.Diagnostics;
using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// The embedded hub's resolution loop writes SQLite transactions back to back under load. The background checkpoint
/// still gets the write-ahead log to start over between two of them, so the log stays short instead of growing by
/// everything written (it grew past a gigabyte in a minute of the benchmark when only passive checkpoints ran).
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SqliteLogRestartTests : IDisposable
{
    private const int RowsPerTransaction = 4;
    private const int RowBytes = 3000;

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hub-log-restart-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Back_to_back_transactions_of_the_resolution_loop_leave_a_short_log()
    {
        await using var writer = await OpenAsync();
        await ExecuteAsync(writer, "PRAGMA journal_mode = WAL; CREATE TABLE rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);");
        var pause = new WriterPause();
        using var checkpointer = new SqliteCheckpointer([new($"Data Source={_path}", pause)], TimeProvider.System, NullLogger<SqliteCheckpointer>.Instance)
        {
            Interval = TimeSpan.FromMilliseconds(50),
        };
        // Off xUnit's synchronization context, as in the hub: its few threads would be busy with the writer.
        await Task.Run(() => checkpointer.StartAsync(CancellationToken.None));

        var payload = new byte[RowBytes];
        Random.Shared.NextBytes(payload);
        // Many checkpoint rounds' worth of writing; how long it takes is not what is checked.
        // A thread of its own: a loop that never yields would hold one of the few pool threads the checkpointer needs.
        var transactions = await Task.Factory.StartNew(
            () => WriteBackToBack(writer, pause, payload, TimeSpan.FromSeconds(2)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await checkpointer.StopAsync(CancellationToken.None);

        // The log's length since it last started over (the file itself is reused, and cut back to 64 MB when it starts over).
        var log = await FramesInLogAsync(writer) * 4096;
        var written = transactions * RowsPerTransaction * RowBytes;
        Assert.True(log < written / 2,
            $"The log holds {log / 1024} KiB after {transactions} transactions that wrote {written / 1024} KiB of rows: it did not start over.");
        Assert.Equal(transactions * RowsPerTransaction, await CountAsync(writer));
    }

    /// <summary>Transactions as the resolution loop runs them under load: one after the other, each inside the writer pause.</summary>
    private static long WriteBackToBack(SqliteConnection writer, WriterPause pause, byte[] payload, TimeSpan duration)
    {
        long transactions = 0;
        var writing = Stopwatch.StartNew();
        while (writing.Elapsed < duration || transactions < 100)
        {
            using (pause.EnterAsync(CancellationToken.None).GetAwaiter().GetResult())
            {
                using var transaction = writer.BeginTransaction();
                using var insert = writer.CreateCommand();
                insert.CommandText = "INSERT INTO rows (payload) VALUES ($payload)";
                insert.Parameters.AddWithValue("$payload", payload);
                for (var row = 0; row < RowsPerTransaction; row++)
                {
                    insert.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            transactions++;
        }
        return transactions;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await ExecuteAsync(connection, SqliteConnectionSettings.Pragmas);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> FramesInLogAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return reader.GetInt64(1);
    }

    private static async Task<long> CountAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM rows";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
