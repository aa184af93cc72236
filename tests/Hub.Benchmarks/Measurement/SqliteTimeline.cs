using Microsoft.Data.Sqlite;

namespace Hub.Benchmarks.Measurement;

/// <summary>
/// The embedded hub's timeline in its SQLite file (WAL, so reading never blocks the hub's writer).
/// Instants are stored as UTC ticks in this schema.
/// </summary>
internal sealed class SqliteTimeline(string databasePath) : ITimeline
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly }.ToString();
    private readonly HashSet<Guid> _seen = [];
    private long _lastRowId;

    public async Task<long> CountAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("select count(*) from timeline", cancellationToken))!;

    public async Task<bool> HasRecordedAtAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("select count(*) from pragma_table_info('timeline') where name = 'RecordedAt'", cancellationToken))! > 0;

    public async Task<IReadOnlyList<(DateTimeOffset ReceivedAt, DateTimeOffset RecordedAt)>> StampsAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "select ReceivedAt, RecordedAt from timeline where SourceEventId like $prefix";
        command.Parameters.AddWithValue("$prefix", prefix + "%");
        var stamps = new List<(DateTimeOffset, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stamps.Add((Instant(reader, 0), Instant(reader, 1)));
        }
        return stamps;
    }

    /// <summary>Follows the table by rowid, so each poll reads only the rows committed since the last one.</summary>
    public async Task<IReadOnlyCollection<Guid>> FindAsync(IReadOnlyCollection<Guid> touchpointIds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "select rowid, TouchpointId from timeline where rowid > $last order by rowid";
        command.Parameters.AddWithValue("$last", _lastRowId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _lastRowId = reader.GetInt64(0);
            _seen.Add(Guid.Parse(reader.GetString(1)));
        }
        return [.. touchpointIds.Where(_seen.Contains)];
    }

    public async Task<double> AverageTouchpointBytesAsync(CancellationToken cancellationToken) =>
        Convert.ToDouble(await ScalarAsync("select coalesce(avg(length(cast(Body as blob))), 0) from timeline", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    public async Task<long> UnsentOutboxAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("select count(*) from outbox where SentAt is null", cancellationToken))!;

    public async Task<IReadOnlyDictionary<string, long>> OutboxByTypeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "select MessageType, count(*) from outbox group by MessageType";
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    private static DateTimeOffset Instant(SqliteDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(long)
            ? new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero)
            : DateTimeOffset.Parse(reader.GetString(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
