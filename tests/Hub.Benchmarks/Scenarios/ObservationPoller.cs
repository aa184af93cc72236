using System.Diagnostics;
using Hub.Benchmarks.Measurement;
using Hub.Benchmarks.Workload;

namespace Hub.Benchmarks.Scenarios;

/// <summary>
/// The end-to-end clock seen from outside: notes when each sent touchpoint is first seen committed on the
/// timeline, polling every 20 ms. Measured from the moment the client had the 2xx answer, it is
/// "webhook accepted → timeline committed" plus up to one poll interval and the poll query's own time.
/// </summary>
internal sealed class ObservationPoller(ITimeline timeline, IReadOnlyList<WebhookCall> calls, WebhookDriver driver)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);
    private readonly long[] _observedAt = new long[calls.Count];
    private readonly Dictionary<Guid, int> _indexById = calls.Select((c, i) => (c.TouchpointId, i)).ToDictionary(p => p.TouchpointId, p => p.i);

    public async Task RunAsync(CancellationToken stop)
    {
        var unobserved = 0;
        while (!stop.IsCancellationRequested)
        {
            var sent = driver.SentCount;
            var pending = new List<Guid>();
            for (var i = unobserved; i < sent; i++)
            {
                if (_observedAt[i] == 0)
                {
                    pending.Add(calls[i].TouchpointId);
                }
            }
            if (pending.Count > 0)
            {
                var found = await timeline.FindAsync(pending, CancellationToken.None);
                var now = Stopwatch.GetTimestamp();
                foreach (var id in found)
                {
                    _observedAt[_indexById[id]] = now;
                }
                while (unobserved < sent && _observedAt[unobserved] != 0)
                {
                    unobserved++;
                }
            }
            try
            {
                await Task.Delay(Interval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Answer to first observation, in milliseconds, for every accepted and observed request; 0 when the
    /// entry was already committed when the answer arrived.
    /// </summary>
    /// <remarks><paramref name="drive"/> covers the calls from <paramref name="first"/> on (after a lead-in).</remarks>
    public IEnumerable<double> Latencies(DriveResult drive, int first = 0) =>
        drive.Outcomes.Select((o, i) => (o, i: i + first))
            .Where(p => p.o.Accepted && _observedAt[p.i] != 0)
            .Select(p => Math.Max(0, Stopwatch.GetElapsedTime(p.o.AnsweredTimestamp, _observedAt[p.i]).TotalMilliseconds));
}
