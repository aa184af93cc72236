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
    private int _notConnected;

    public int Acknowledged => _events.Values.Count(a => a.Acknowledged);

    /// <summary>Attempts answered 5xx.</summary>
    public int Refused => _events.Values.Sum(a => a.Refused);

    /// <summary>Attempts sent that got no answer: the connection was cut, or timed out.</summary>
    public int Unanswered => _events.Values.Sum(a => a.Unanswered);

    /// <summary>Attempts that could not connect, so were certainly not delivered: not counted against any event.</summary>
    public int NotConnected => Volatile.Read(ref _notConnected);

    public void RecordNotConnected() => Interlocked.Increment(ref _notConnected);

    public void RecordAcknowledged(string sourceEventId) => Of(sourceEventId).Acknowledged = true;

    public void RecordRefused(string sourceEventId) => Interlocked.Increment(ref Of(sourceEventId).Refused);

    public void RecordUnanswered(string sourceEventId) => Interlocked.Increment(ref Of(sourceEventId).Unanswered);

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
            Recovered: _events.Count(e => e.Value.Refused + e.Value.Unanswered > 0 && landed.GetValueOrDefault(e.Key) == 1));
    }

    public override string ToString() => $"attempts: {Refused} answered 5xx, {Unanswered} unanswered, {NotConnected} could not connect";

    private Attempts Of(string sourceEventId) => _events.GetOrAdd(sourceEventId, _ => new Attempts());

    private sealed class Attempts
    {
        public volatile bool Acknowledged;
        public int Refused;
        public int Unanswered;
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
