namespace Hub.Benchmarks.Ceilings;

internal sealed record CeilingRow(Guid TouchpointId, Guid CustomerId, string Email, string SourceEventId);

/// <summary>Rows for the database baseline with the benchmark's customer overlap: most touchpoints hit a customer written before.</summary>
internal sealed class CeilingWorkload(int customers, double overlap)
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(7);
    private int _introduced;
    private long _sequence;

    public IReadOnlyList<CeilingRow> Next(int count)
    {
        lock (_gate)
        {
            var rows = new List<CeilingRow>(count);
            for (var i = 0; i < count; i++)
            {
                var reuse = _introduced > 0 && (_introduced >= customers || _random.NextDouble() < overlap);
                var customer = reuse ? _random.Next(_introduced) : _introduced++;
                var n = _sequence++;
                rows.Add(new CeilingRow(Guid.CreateVersion7(), CustomerId(customer), $"customer{customer}@bench.example.com", $"c-{n}"));
            }
            return rows;
        }
    }

    private static Guid CustomerId(int customer)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, customer);
        return new Guid(bytes);
    }
}
