using Npgsql;

namespace Hub.Benchmarks.Measurement;

/// <summary>The production hub's timeline in PostgreSQL.</summary>
internal sealed class PostgresTimeline(string connectionString) : ITimeline
{
    private long _connections;

    /// <summary>How many times this view opened a connection: each runs one query, an autocommit transaction the database counts.</summary>
    public long Queries => Interlocked.Read(ref _connections);

    public async Task<long> CountAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("select count(*) from timeline", cancellationToken))!;

    public async Task<bool> HasRecordedAtAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("select count(*) from information_schema.columns where table_name = 'timeline' and column_name = 'RecordedAt'", cancellationToken))! > 0;

    public async Task<IReadOnlyList<(DateTimeOffset ReceivedAt, DateTimeOffset RecordedAt)>> StampsAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""select "ReceivedAt", "RecordedAt" from timeline where "SourceEventId" like @prefix""", connection);
        command.Parameters.AddWithValue("prefix", prefix + "%");
        var stamps = new List<(DateTimeOffset, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stamps.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }
        return stamps;
    }

    public async Task<IReadOnlyCollection<Guid>> FindAsync(IReadOnlyCollection<Guid> touchpointIds, CancellationToken cancellationToken)
    {
        if (touchpointIds.Count == 0)
        {
            return [];
        }
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""select "TouchpointId" from timeline where "TouchpointId" = any(@ids)""", connection);
        command.Parameters.AddWithValue("ids", touchpointIds.ToArray());
        var found = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetGuid(0));
        }
        return found;
    }

    public async Task<double> AverageTouchpointBytesAsync(CancellationToken cancellationToken) =>
        Convert.ToDouble(await ScalarAsync("""select coalesce(avg(octet_length("Body")), 0) from timeline""", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    public async Task<long> UnsentOutboxAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("""select count(*) from outbox where "SentAt" is null""", cancellationToken))!;

    public async Task<IReadOnlyDictionary<string, long>> OutboxByTypeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""select "MessageType", count(*) from outbox group by "MessageType" """, connection);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connections);
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
