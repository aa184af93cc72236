using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Per-connection SQLite settings, applied each time a (pooled) connection opens. In WAL mode a connection drops its
/// page cache whenever another connection has written since its last read, and the hub's writers (ingress, resolution,
/// sync, outbox) take turns all the time, so without a memory map nearly every page read is a <c>pread</c> system call.
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    // mmap_size: up to 1 GiB of the file is mapped (address space, not memory used; pages come from the OS page cache
    // either way). busy_timeout: a writer that finds another one in progress waits in SQLite's own short back-off
    // (1 ms, 2 ms, 5 ms, ...) instead of Microsoft.Data.Sqlite's retry, which sleeps 150 ms each time.
    // wal_autocheckpoint = 0: no commit copies the log back into the file, SqliteCheckpointer does that in the
    // background; journal_size_limit: the log file is cut back to 64 MB when it starts over, should a long reader ever
    // have let it grow.
    // synchronous = FULL is SQLite's default, stated so that no build of it can weaken it: an answered webhook is on
    // disk, not only in the OS cache, before the answer.
    // secure_delete = FAST: a deleted row's bytes are zeroed in the page that held it, at no extra I/O, so an erased
    // person or a withdrawn post's text does not linger in the file's free space (whole freed pages are not zeroed).
    internal const string Pragmas =
        "PRAGMA mmap_size = 1073741824; PRAGMA temp_store = MEMORY; PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL; "
        + "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864; PRAGMA secure_delete = FAST;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
