using Npgsql;

namespace Hub.Benchmarks.Measurement;

/// <summary>What one table went through, from pg_stat_user_tables.</summary>
internal sealed record TableActivity(string Table, long SequentialScans, long RowsReadBySequentialScans, long IndexScans, long Inserted, long Updated, long Deleted);

/// <summary>
/// The hub database's own statistics over a whole production run (pg_stat_database, pg_stat_user_tables):
/// how many transactions and rollbacks (conflict retries) the hubs caused, and which tables were read by
/// sequential scans, the sign of a query without a fitting index. The harness's own polling is taken out of
/// the commits; it also scans timeline and outbox (counting rows), so those two tables' scans are partly its own.
/// </summary>
internal sealed record DatabaseActivity(long Commits, long Rollbacks, long Deadlocks, long TimelineRows, IReadOnlyList<TableActivity> Tables)
{
    /// <summary>Tables the harness itself reads with sequential scans while it waits.</summary>
    public static readonly IReadOnlySet<string> PolledByHarness = new HashSet<string>(StringComparer.Ordinal) { "timeline", "outbox" };

    /// <summary>The table read most by sequential scans that the harness does not poll itself.</summary>
    public TableActivity? MostScanned => Tables.Where(t => !PolledByHarness.Contains(t.Table)).MaxBy(t => t.RowsReadBySequentialScans);

    public static async Task<DatabaseActivity> ReadAsync(string connectionString, long harnessQueries, CancellationToken cancellationToken)
    {
        // Backends report their statistics at most once a second.
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        long commits, rollbacks, deadlocks, timelineRows;
        await using (var command = new NpgsqlCommand("select xact_commit, xact_rollback, deadlocks, (select count(*) from timeline) from pg_stat_database where datname = current_database()", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (commits, rollbacks, deadlocks, timelineRows) = (reader.GetInt64(0) - harnessQueries, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
        var tables = new List<TableActivity>();
        await using (var command = new NpgsqlCommand(
            "select relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0), n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables order by seq_tup_read desc", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(new TableActivity(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
            }
        }
        return new DatabaseActivity(commits, rollbacks, deadlocks, timelineRows, tables);
    }
}
