using System.Diagnostics;
using Npgsql;

namespace Hub.Benchmarks.Ceilings;

/// <summary>
/// What PostgreSQL alone does with the hub's write per touchpoint: insert a timeline row, upsert the
/// identifier, upsert the customer (version + 1), in scratch tables shaped like the hub's (same keys and
/// indexes). Each of <c>connections</c> writers commits one transaction after another, with one
/// touchpoint or a batch of them in each; a batch is sent as one round trip.
/// </summary>
internal static class PostgresCeiling
{
    private const string Schema = """
        create table bench_customers (id uuid primary key, version bigint not null, created_at timestamptz not null, updated_at timestamptz not null);
        create table bench_identifiers (type varchar(100) not null, value varchar(320) not null, customer_id uuid not null, linked_by uuid, linked_at timestamptz not null, primary key (type, value));
        create index on bench_identifiers (customer_id);
        create table bench_timeline (touchpoint_id uuid primary key, customer_id uuid, connector_instance_id varchar(100) not null, source_event_id varchar(300) not null,
            channel varchar(20) not null, type varchar(100) not null, direction varchar(10) not null, occurred_at timestamptz not null, received_at timestamptz not null,
            summary text, body text not null);
        create index on bench_timeline (customer_id, occurred_at, touchpoint_id);
        """;

    private const string InsertTimeline = """
        insert into bench_timeline values ($1, $2, 'crm1', $3, 'crm', 'event.tracked', 'inbound', $4, $4, 'Order Completed', $5)
        """;

    private const string UpsertIdentifier = """
        insert into bench_identifiers values ('email', $1, $2, $3, $4)
        on conflict (type, value) do update set linked_at = excluded.linked_at
        """;

    private const string UpsertCustomer = """
        insert into bench_customers values ($1, 1, $2, $2)
        on conflict (id) do update set version = bench_customers.version + 1, updated_at = excluded.updated_at
        """;

    /// <summary>Creates the scratch tables in <paramref name="connectionString"/>'s (empty) database.</summary>
    public static async Task PrepareAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Schema, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<DatabaseCeiling> MeasureAsync(
        string connectionString, int connections, int touchpointsPerTransaction, int customers, double overlap, int bodyBytes, TimeSpan duration, CancellationToken cancellationToken)
    {
        var body = new string('x', bodyBytes);
        var workload = new CeilingWorkload(customers, overlap);
        long touchpoints = 0, transactions = 0, lastCommit = 0;
        var retries = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var rows = workload.Next(touchpointsPerTransaction);
                try
                {
                    await WriteAsync(connection, rows, body, cancellationToken);
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                    Interlocked.Increment(ref retries);
                    continue;
                }
                Interlocked.Add(ref touchpoints, rows.Count);
                Interlocked.Increment(ref transactions);
                Interlocked.Exchange(ref lastCommit, Stopwatch.GetTimestamp());
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started, lastCommit).TotalSeconds;
        return new DatabaseCeiling(touchpointsPerTransaction, touchpoints, transactions, seconds, touchpoints / seconds, transactions / seconds, connections, retries);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, IReadOnlyList<CeilingRow> rows, string body, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var row in rows)
        {
            batch.BatchCommands.Add(Command(InsertTimeline, row.TouchpointId, row.CustomerId, row.SourceEventId, now, body));
        }
        // Keys in a fixed order, so concurrent writers wait for each other instead of deadlocking.
        foreach (var row in rows.DistinctBy(r => r.Email).OrderBy(r => r.Email, StringComparer.Ordinal))
        {
            batch.BatchCommands.Add(Command(UpsertIdentifier, row.Email, row.CustomerId, row.TouchpointId, now));
        }
        foreach (var row in rows.DistinctBy(r => r.CustomerId).OrderBy(r => r.CustomerId))
        {
            batch.BatchCommands.Add(Command(UpsertCustomer, row.CustomerId, now));
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return command;
    }
}
