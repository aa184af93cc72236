using System.Diagnostics;
using Hub.Benchmarks.Measurement;

namespace Hub.Benchmarks.Workload;

/// <summary>How one webhook request went: when it left and when the answer came (stopwatch timestamps), the status (0: no answer).</summary>
internal readonly record struct RequestOutcome(long SentTimestamp, long AnsweredTimestamp, int Status, string? Error)
{
    public bool Accepted => Status is >= 200 and < 300;

    public double LatencyMilliseconds => Stopwatch.GetElapsedTime(SentTimestamp, AnsweredTimestamp).TotalMilliseconds;
}

/// <summary>Everything the load generator saw of one phase.</summary>
internal sealed class DriveResult(IReadOnlyList<WebhookCall> calls, RequestOutcome[] outcomes, DateTimeOffset firstSentAt, long firstTimestamp, long lastTimestamp, int inFlightLimitHits)
{
    public IReadOnlyList<WebhookCall> Calls => calls;

    public IReadOnlyList<RequestOutcome> Outcomes => outcomes;

    /// <summary>Wall-clock time of the first send (comparable with the hub's own timestamps on the same machine).</summary>
    public DateTimeOffset FirstSentAt => firstSentAt;

    public long FirstTimestamp => firstTimestamp;

    /// <summary>Stopwatch timestamp of the last answer.</summary>
    public long LastTimestamp => lastTimestamp;

    /// <summary>Paced phase only: how often the in-flight cap made the pacer wait (the offered load was not met then).</summary>
    public int InFlightLimitHits => inFlightLimitHits;

    public int Accepted => outcomes.Count(o => o.Accepted);

    public IReadOnlyDictionary<string, int> NotAccepted => outcomes.Where(o => !o.Accepted)
        .GroupBy(o => o.Status == 0 ? "no answer" : o.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .ToDictionary(g => g.Key, g => g.Count());

    public string? FirstError => outcomes.FirstOrDefault(o => o.Error is not null).Error;

    public double Seconds => Stopwatch.GetElapsedTime(firstTimestamp, lastTimestamp).TotalSeconds;

    public double AcceptedPerSecond => Seconds > 0 ? Accepted / Seconds : 0;

    /// <summary>The rate requests left at (first to last send), which the paced phase should hold to its target.</summary>
    public double SentPerSecond
    {
        get
        {
            var sending = Stopwatch.GetElapsedTime(firstTimestamp, outcomes.Max(o => o.SentTimestamp)).TotalSeconds;
            return sending > 0 ? (outcomes.Length - 1) / sending : 0;
        }
    }

    /// <summary>
    /// The requests from <paramref name="index"/> on, as if the phase had begun with them: a lead-in before them
    /// brought the system to the phase's load, and is not part of what is measured. The in-flight cap's count is the
    /// whole phase's.
    /// </summary>
    public DriveResult From(int index)
    {
        if (index == 0)
        {
            return this;
        }
        var first = outcomes[index].SentTimestamp;
        var firstAt = firstSentAt + Stopwatch.GetElapsedTime(firstTimestamp, first);
        return new DriveResult([.. calls.Skip(index)], outcomes[index..], firstAt, first, lastTimestamp, inFlightLimitHits);
    }

    public LatencySummary? AcceptedLatency => LatencySummary.Of(outcomes.Where(o => o.Accepted).Select(o => o.LatencyMilliseconds));
}
