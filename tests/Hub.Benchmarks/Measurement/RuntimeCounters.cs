using System.Globalization;

namespace Hub.Benchmarks.Measurement;

/// <summary>
/// Counters of the .NET runtime read from the hubs' <c>/metrics</c> (the runtime's own <c>System.Runtime</c> meter),
/// summed over the hubs and over each metric's labels. JIT time: while it still grows fast the hub is not in its steady
/// state (on two cores the tiered compiler's background thread takes CPU from the work being measured). GC pauses:
/// every thread of the hub stops for them, so they add to the latency of whatever was in flight.
/// </summary>
internal static class RuntimeCounters
{
    /// <summary>Seconds of JIT compilation so far; null when a hub does not report it.</summary>
    public static Task<double?> JitSecondsAsync(IEnumerable<HttpClient> hubs, CancellationToken cancellationToken) =>
        SumAsync(hubs, "dotnet_jit_compilation_time_seconds_total", cancellationToken);

    /// <summary>Garbage collections so far (all generations) and the seconds the process was paused for them.</summary>
    public static async Task<GcActivity?> GcAsync(IEnumerable<HttpClient> hubs, CancellationToken cancellationToken) =>
        await SumAsync(hubs, "dotnet_gc_collections_total", cancellationToken) is { } collections
        && await SumAsync(hubs, "dotnet_gc_pause_time_seconds_total", cancellationToken) is { } pause
            ? new GcActivity((long)collections, pause)
            : null;

    private static async Task<double?> SumAsync(IEnumerable<HttpClient> hubs, string metric, CancellationToken cancellationToken)
    {
        var total = 0.0;
        foreach (var client in hubs)
        {
            string text;
            try
            {
                text = await client.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);
            }
            catch (HttpRequestException)
            {
                return null;
            }
            var lines = text.Split('\n').Where(l => l.StartsWith(metric + " ", StringComparison.Ordinal) || l.StartsWith(metric + "{", StringComparison.Ordinal)).ToList();
            if (lines.Count == 0)
            {
                return null;
            }
            foreach (var line in lines)
            {
                if (!double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    return null;
                }
                total += value;
            }
        }
        return total;
    }
}

/// <summary>Garbage collections and the seconds paused for them, over all hubs.</summary>
internal sealed record GcActivity(long Collections, double PauseSeconds)
{
    public static GcActivity operator -(GcActivity after, GcActivity before) =>
        new(after.Collections - before.Collections, after.PauseSeconds - before.PauseSeconds);
}
