using System.Diagnostics;
using Hub.Benchmarks.Measurement;

namespace Hub.Benchmarks.Scenarios;

/// <summary>Polls the timeline's row count until it reaches a target, or gives up when it stops growing.</summary>
internal static class TimelineWaiter
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The last count seen, the stopwatch timestamp it was seen at, and whether it reached <paramref name="expected"/>.</summary>
    public static async Task<(long Count, long SeenAt, bool Complete)> WaitForAsync(ITimeline timeline, long expected, CancellationToken cancellationToken)
    {
        var lastCount = -1L;
        var lastProgress = Stopwatch.GetTimestamp();
        while (true)
        {
            var count = await timeline.CountAsync(cancellationToken);
            var now = Stopwatch.GetTimestamp();
            if (count >= expected)
            {
                return (count, now, true);
            }
            if (count != lastCount)
            {
                lastCount = count;
                lastProgress = now;
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > StallTimeout)
            {
                return (count, now, false);
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
