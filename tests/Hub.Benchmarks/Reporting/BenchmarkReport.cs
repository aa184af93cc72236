namespace Hub.Benchmarks.Reporting;

/// <summary>Everything one run measured; written as JSON so runs can be compared.</summary>
internal sealed record BenchmarkReport(
    DateTimeOffset StartedAt,
    double DurationSeconds,
    string Command,
    SourceState Source,
    MachineInfo Machine,
    string LoadAverageAfter,
    BenchmarkOptions Options,
    CeilingsResult? Ceilings,
    ModeResult? Production,
    ModeResult? Embedded,
    IReadOnlyList<GoalResult> Goals,
    IReadOnlyList<string> Notes)
{
    /// <summary>Production end-to-end throughput over the lower raw ceiling.</summary>
    public double? ProductionRatioToLowerCeiling =>
        Ceilings is { } c && Production is { } p && c.LowerPerSecond > 0 ? p.Max.EndToEndPerSecond / c.LowerPerSecond : null;
}

/// <summary>One of the goals, with what this run measured against it.</summary>
internal sealed record GoalResult(string Goal, string Target, string Measured, bool? Met);
