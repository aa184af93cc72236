namespace Hub.Benchmarks.Measurement;

/// <summary>
/// The resolution batches of a phase, told apart by their shared RecordedAt (every entry a batch stores gets
/// the same stamp). With one hub, batches run one after another, so the time between consecutive batch
/// stamps is what one batch took, queries and commit included.
/// </summary>
internal sealed record BatchSummary(int Batches, double AverageSize, double MedianMillisecondsBetweenBatches)
{
    public static BatchSummary? Of(IEnumerable<DateTimeOffset> recordedAt)
    {
        var batches = recordedAt.GroupBy(r => r).Select(g => (At: g.Key, Size: g.Count())).OrderBy(b => b.At).ToList();
        if (batches.Count == 0)
        {
            return null;
        }
        var gaps = batches.Zip(batches.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds).Order().ToList();
        return new BatchSummary(batches.Count, batches.Average(b => b.Size), gaps.Count > 0 ? gaps[gaps.Count / 2] : 0);
    }
}
