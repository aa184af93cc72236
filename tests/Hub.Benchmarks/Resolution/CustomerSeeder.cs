using Npgsql;
using NpgsqlTypes;

namespace Hub.Benchmarks.Resolution;

/// <summary>Fills the hub's own tables with customers fast (binary COPY), the way a large install looks.</summary>
internal static class CustomerSeeder
{
    public static string Email(int n) => $"p{n}@bench.example";

    public static Guid Id(int n) => new(n, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8]);

    /// <summary>Adds customers <paramref name="from"/> to <paramref name="to"/> (exclusive): one e-mail, one name each.</summary>
    public static async Task SeedAsync(string connectionString, int from, int to, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var at = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var ids = Enumerable.Range(from, to - from).Select(n => (N: n, Id: Id(n))).ToList();

        await using (var customers = await connection.BeginBinaryImportAsync(
            "COPY customers (\"Id\", \"Version\", \"Stamp\", \"CreatedAt\", \"UpdatedAt\", \"Tainted\", \"Observations\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (n, id) in ids)
            {
                await customers.StartRowAsync(cancellationToken);
                await customers.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
                await customers.WriteAsync(1L, NpgsqlDbType.Bigint, cancellationToken);
                await customers.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, cancellationToken);
                await customers.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
                await customers.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
                await customers.WriteAsync(false, NpgsqlDbType.Boolean, cancellationToken);
                await customers.WriteAsync(
                    $$"""[{"field":"name","source":"seed","value":"Person {{n}}","count":1,"lastObservedAt":"2025-01-01T00:00:00+00:00"}]""",
                    NpgsqlDbType.Text, cancellationToken);
            }
            await customers.CompleteAsync(cancellationToken);
        }
        await using (var identifiers = await connection.BeginBinaryImportAsync(
            "COPY customer_identifiers (\"Type\", \"Value\", \"CustomerId\", \"LinkedAt\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (n, id) in ids)
            {
                await identifiers.StartRowAsync(cancellationToken);
                await identifiers.WriteAsync("email", NpgsqlDbType.Varchar, cancellationToken);
                await identifiers.WriteAsync(Email(n), NpgsqlDbType.Varchar, cancellationToken);
                await identifiers.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
                await identifiers.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await identifiers.CompleteAsync(cancellationToken);
        }
        await using (var fields = await connection.BeginBinaryImportAsync(
            "COPY customer_fields (\"CustomerId\", \"Name\", \"Value\", \"Source\", \"ObservedAt\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (n, id) in ids)
            {
                await fields.StartRowAsync(cancellationToken);
                await fields.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
                await fields.WriteAsync("name", NpgsqlDbType.Varchar, cancellationToken);
                await fields.WriteAsync($"Person {n}", NpgsqlDbType.Text, cancellationToken);
                await fields.WriteAsync("seed", NpgsqlDbType.Varchar, cancellationToken);
                await fields.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await fields.CompleteAsync(cancellationToken);
        }
        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }
}
