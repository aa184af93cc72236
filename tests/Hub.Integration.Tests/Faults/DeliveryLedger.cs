using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>
/// What a sender saw of each source event it sent, checked against the timeline with the four counts of
/// RabbitMQ's Jepsen checker: lost (acknowledged, not on the timeline), duplicated (on the timeline more than
/// once), unexpected (on the timeline, never sent) and recovered (a failed attempt, unanswered or 5xx, that landed anyway, once).
/// </summary>
internal sealed class DeliveryLedger
{
    private readonly ConcurrentDictionary<string, Attempts> _events = new(StringComparer.Ordinal);

    public int Acknowledged => _events.Values.Count(a => a.Acknowledged);

    public int Failed => _events.Values.Sum(a => a.Failed);

    public void RecordAcknowledged(string sourceEventId) => _events.GetOrAdd(sourceEventId, _ => new Attempts()).Acknowledged = true;

    /// <summary>An attempt that got no answer (connection refused or cut, timeout) or a 5xx.</summary>
    public void RecordFailed(string sourceEventId) => Interlocked.Increment(ref _events.GetOrAdd(sourceEventId, _ => new Attempts()).Failed);

    /// <summary>Waits until every acknowledged event is on the timeline (90 s at most), then a little longer for a late duplicate to show, and tallies.</summary>
    public async Task<DeliveryCounts> SettleAsync(Func<Task<List<string>>> timelineSourceEventIds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (Tally(await timelineSourceEventIds()).Lost > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        return Tally(await timelineSourceEventIds());
    }

    public DeliveryCounts Tally(IEnumerable<string> timelineSourceEventIds)
    {
        var landed = timelineSourceEventIds.GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new DeliveryCounts(
            Sent: _events.Count,
            Acknowledged: Acknowledged,
            Lost: _events.Count(e => e.Value.Acknowledged && !landed.ContainsKey(e.Key)),
            Duplicated: landed.Count(l => l.Value > 1),
            Unexpected: landed.Keys.Count(id => !_events.ContainsKey(id)),
            Recovered: _events.Count(e => e.Value.Failed > 0 && landed.GetValueOrDefault(e.Key) == 1));
    }

    private sealed class Attempts
    {
        public volatile bool Acknowledged;
        public int Failed;
    }
}

internal sealed record DeliveryCounts(int Sent, int Acknowledged, int Lost, int Duplicated, int Unexpected, int Recovered)
{
    /// <summary>Writes the counts to the test output and asserts that nothing was lost, doubled or made up.</summary>
    public void AssertExactlyOnce(ITestOutputHelper output)
    {
        output.WriteLine($"sent {Sent}, acknowledged {Acknowledged}: lost {Lost}, duplicated {Duplicated}, unexpected {Unexpected}, recovered {Recovered}");
        Assert.Equal((0, 0, 0), (Lost, Duplicated, Unexpected));
    }
}
