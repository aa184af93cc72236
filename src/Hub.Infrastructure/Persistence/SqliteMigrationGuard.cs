using Microsoft.Data.Sqlite;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// An exclusive lock on a file beside the SQLite database (<c>hub.db.migrating</c>), held while the hub migrates it.
/// The system releases it when the process ends, however it ends. The file stays: deleting it on release would let a
/// waiting process lock the deleted file while a third one locks a new one.
/// </summary>
internal sealed class SqliteMigrationGuard : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly FileStream? _file;

    private SqliteMigrationGuard(FileStream? file) => _file = file;

    public static async Task<SqliteMigrationGuard> AcquireAsync(string connectionString, Action waiting, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:")
        {
            return new SqliteMigrationGuard(null);
        }
        var path = Path.GetFullPath(builder.DataSource) + ".migrating";
        var told = false;
        while (true)
        {
            try
            {
                return new SqliteMigrationGuard(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!told)
                {
                    waiting();
                    told = true;
                }
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
    }

    public ValueTask DisposeAsync() => _file?.DisposeAsync() ?? ValueTask.CompletedTask;
}
