using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hub.Benchmarks.Workload;

namespace Hub.Benchmarks.Measurement;

/// <summary>
/// The latency phase's samples by time: each request's ingress latency at the moment it was sent, and each timeline
/// entry's end-to-end latency at the moment the hub received it, both as milliseconds since the phase's first send.
/// A p99 over a short phase is decided by its few slowest moments; the trace shows when they were.
/// </summary>
internal static class LatencyTrace
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    /// <summary>Writes the CSV and returns the slowest windows as lines for the log.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(
        string path, DriveResult drive, IReadOnlyList<(DateTimeOffset ReceivedAt, DateTimeOffset RecordedAt)> stamps, CancellationToken cancellationToken)
    {
        var samples = new List<(string Kind, double AtMs, double LatencyMs)>(drive.Outcomes.Count + stamps.Count);
        samples.AddRange(drive.Outcomes.Where(o => o.Accepted).Select(o =>
            ("ingress", Stopwatch.GetElapsedTime(drive.FirstTimestamp, o.SentTimestamp).TotalMilliseconds, o.LatencyMilliseconds)));
        samples.AddRange(stamps.Select(s =>
            ("end-to-end", (s.ReceivedAt - drive.FirstSentAt).TotalMilliseconds, (s.RecordedAt - s.ReceivedAt).TotalMilliseconds)));
        samples.Sort((a, b) => a.AtMs.CompareTo(b.AtMs));

        var csv = new StringBuilder("kind,at_ms,latency_ms\n");
        foreach (var (kind, at, latency) in samples)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{kind},{at:0.0},{latency:0.0}\n");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, csv.ToString(), cancellationToken);

        return [.. samples
            .GroupBy(s => (long)(s.AtMs / Window.TotalMilliseconds))
            .Select(w => (Start: w.Key * Window.TotalMilliseconds,
                Ingress: w.Where(s => s.Kind == "ingress").Select(s => s.LatencyMs).DefaultIfEmpty().Max(),
                EndToEnd: w.Where(s => s.Kind == "end-to-end").Select(s => s.LatencyMs).DefaultIfEmpty().Max()))
            .OrderByDescending(w => Math.Max(w.Ingress, w.EndToEnd))
            .Take(8)
            .OrderBy(w => w.Start)
            .Select(w => string.Create(CultureInfo.InvariantCulture,
                $"at {w.Start / 1000:0.00} s: slowest ingress {w.Ingress:0.0} ms, slowest end to end {w.EndToEnd:0.0} ms"))];
    }
}
