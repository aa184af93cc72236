using System.Globalization;

namespace Hub.Benchmarks.Measurement;

/// <summary>
/// The hubs' cumulative JIT compilation time, read from their <c>/metrics</c> (the runtime's own
/// <c>dotnet.jit.compilation.time</c>). While it still grows fast the hub is not in its steady state: on two
/// cores the tiered compiler's background thread takes CPU from the work being measured.
/// </summary>
internal static class JitTime
{
    private const string Metric = "dotnet_jit_compilation_time_seconds_total";

    /// <summary>Seconds of JIT compilation so far, summed over the hubs; null when a hub does not report it.</summary>
    public static async Task<double?> ReadAsync(IEnumerable<HttpClient> hubs, CancellationToken cancellationToken)
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
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(Metric, StringComparison.Ordinal));
            if (line is null || !double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return null;
            }
            total += seconds;
        }
        return total;
    }
}
