using System.Globalization;
using Hub.Benchmarks.Measurement;

namespace Hub.Benchmarks.Reporting;

/// <summary>Prints a run as aligned Markdown tables (so the output pastes into docs/performance.md as it is).</summary>
internal static class ReportTable
{
    public static void Write(BenchmarkReport report, TextWriter output)
    {
        if (report.Ceilings is { } c)
        {
            Table(output, ["raw ceiling (same machine, right before)", "throughput", "CPU per unit: server + client (cores busy)"],
            [
                [$"RabbitMQ: persistent, confirmed, consumed + acked ({c.RabbitMq.Publishers} publishers, {c.RabbitMq.Consumers} consumer(s), prefetch {c.RabbitMq.Prefetch}, {c.RabbitMq.MessageBytes} B)", $"{N(c.RabbitMq.MessagesPerSecond)} msg/s",
                    $"{Ms(c.BrokerCpuMillisecondsPerMessage)} per message ({Busy(c.RabbitMqCpu.Broker, c.RabbitMqCpu)} + {Busy(c.RabbitMqCpu.Harness, c.RabbitMqCpu)})"],
                [$"PostgreSQL: timeline insert + identifier upsert + customer upsert, 1 per transaction ({c.PostgresSingle.Connections} conn.)", $"{N(c.PostgresSingle.TouchpointsPerSecond)} touchpoints/s ({N(c.PostgresSingle.TransactionsPerSecond)} tx/s)",
                    $"{Ms(c.DatabaseCpuMillisecondsPerTouchpoint(c.PostgresSingle, c.PostgresSingleCpu))} per touchpoint ({Busy(c.PostgresSingleCpu.Database, c.PostgresSingleCpu)} + {Busy(c.PostgresSingleCpu.Harness, c.PostgresSingleCpu)})"],
                [$"PostgreSQL: the same, {c.PostgresBatched.TouchpointsPerTransaction} per transaction ({c.PostgresBatched.Connections} conn.)", $"{N(c.PostgresBatched.TouchpointsPerSecond)} touchpoints/s ({N(c.PostgresBatched.TransactionsPerSecond)} tx/s)",
                    $"{Ms(c.DatabaseCpuMillisecondsPerTouchpoint(c.PostgresBatched, c.PostgresBatchedCpu))} per touchpoint ({Busy(c.PostgresBatchedCpu.Database, c.PostgresBatchedCpu)} + {Busy(c.PostgresBatchedCpu.Harness, c.PostgresBatchedCpu)})"],
                ["lower ceiling", $"{N(c.LowerPerSecond)}/s ({c.LowerName})", "-"],
                [$"bare minimum on {c.Cores} cores: one broker round trip + one batched write per touchpoint, nothing else", c.BareMinimumPerSecond is { } bare
                    ? $"{N(bare)}/s = {(bare / c.LowerPerSecond).ToString("0.00", CultureInfo.InvariantCulture)} x lower ceiling" : "-", "the two CPU costs above, added"],
            ]);
            output.WriteLine();
        }

        var modes = new[] { report.Production, report.Embedded }.OfType<ModeResult>().ToList();
        if (modes.Count > 0)
        {
            var header = new List<string> { "hub end to end" };
            header.AddRange(modes.Select(m => m.Mode == "production" ? $"production ({m.Hubs} hub{(m.Hubs == 1 ? "" : "s")})" : "embedded"));
            Table(output, header, [.. Rows(report).Select(r => (IReadOnlyList<string>)[r.Name, .. modes.Select(r.Value)])]);
            output.WriteLine();
        }

        Table(output, ["goal", "target", "measured", "met"],
            [.. report.Goals.Select(g => (IReadOnlyList<string>)[g.Goal, g.Target, g.Measured, g.Met switch { true => "yes", false => "NO", null => "-" }])]);
        foreach (var note in report.Notes)
        {
            output.WriteLine();
            output.WriteLine($"Note: {note}");
        }
    }

    private static IEnumerable<(string Name, Func<ModeResult, string> Value)> Rows(BenchmarkReport report) =>
    [
        ("webhooks accepted/s (HTTP 2xx, max phase)", m => $"{N(m.Max.AcceptedPerSecond)}/s ({m.Max.Accepted} of {m.Max.Sent})"),
        ("end to end: accepted -> timeline committed", m => $"{N(m.Max.EndToEndPerSecond)}/s{(m.Max.Complete ? "" : " INCOMPLETE")}"),
        ("ratio to the lower raw ceiling", m => m.Mode == "production" && report.ProductionRatioToLowerCeiling is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "-"),
        ("end-to-end latency p50/p95/p99 at max load", m => L(m.Max.EndToEndLatency)),
        ("offered load for latency (half max)", m => $"{N(m.Paced.OfferedPerSecond)}/s (sent {N(m.Paced.SentPerSecond)}/s)"),
        ("ingress latency p50/p95/p99 at half max", m => L(m.Paced.IngressLatency)),
        ("end-to-end latency p50/p95/p99 at half max: RecordedAt - ReceivedAt", m => L(m.Paced.EndToEndLatency)),
        ("  the same seen from outside: 2xx answer -> committed row polled", m => L(m.Paced.ObservedEndToEndLatency)),
        ("sync-back backlog left before the latency phase", m => m.Paced.SyncBacklog ?? "none"),
        ("GC in the latency phase: collections, paused in all, average pause", m => m.Paced.Gc is { } gc
            ? string.Create(CultureInfo.InvariantCulture, $"{gc.Collections}, {gc.PauseSeconds * 1000:0} ms, {(gc.Collections > 0 ? gc.PauseSeconds * 1000 / gc.Collections : 0):0.0} ms")
            : "-"),
        ("resolution batches, max phase: count, average size, median gap", m => B(m.Max.Batches)),
        ("resolution batches, latency phase", m => B(m.Paced.Batches)),
        ("hub CPU-seconds per 1k touchpoints", m => $"{m.Max.HubCpuSecondsPer1k.ToString("0.00", CultureInfo.InvariantCulture)} s"
            + (m.Max.HubCpuSecondsPer1kByProcess.Count > 1 ? $" ({string.Join(" + ", m.Max.HubCpuSecondsPer1kByProcess.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)))})" : "")),
        ("  of which JIT compilation (steady state when small)", m => m.Max.JitSeconds is { } jit && m.Max.Committed > 0
            ? $"{(jit * 1000.0 / m.Max.Committed).ToString("0.00", CultureInfo.InvariantCulture)} s"
            : "-"),
        ("warm-up rounds; JIT share of a core in the last", m => m.Max.WarmUpJitShare is { } share
            ? $"{m.Max.WarmUpRounds}; {share.ToString("P0", CultureInfo.InvariantCulture)}"
            : m.Max.WarmUpRounds.ToString(CultureInfo.InvariantCulture)),
        ("cores busy in max phase: hubs/broker/db/harness/other", m => Cores(m.Max.Cpu)),
        ("peak memory per hub process (VmHWM)", m => string.Join(", ", m.PeakMemoryBytes.Select(b => $"{N(b / 1048576.0)} MiB"))),
        ("  resident at the end: anonymous (heap) / mapped files / shared", m => string.Join(", ", m.ResidentAtEnd.Select(r =>
            $"{N(r.Anonymous / 1048576.0)} / {N(r.MappedFiles / 1048576.0)} / {N(r.Shared / 1048576.0)} MiB"))),
        ("sync-back to WireMock.Net: customer changes delivered/s", m => $"{N(m.Sync.DeliveriesPerSecond)}/s ({m.Sync.Deliveries} in {m.Sync.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s{(m.Sync.Drained ? ", drained" : ", not drained")})"),
        ("  changes announced (outbox) / still unpublished after", m => $"{m.Sync.Announced.Values.Sum()} / {m.Sync.UnsentOutboxRows}"),
        ("webhook body / stored touchpoint (bytes)", m => $"{N(m.AverageWebhookBytes)} / {N(m.AverageTouchpointBytes)}"),
        ("rejected or unanswered (max + paced)", m => Failures(m)),
        ("database over the run, per 1k touchpoints: commits / rollbacks", m => m.Database is { TimelineRows: > 0 } d
            ? $"{N(d.Commits * 1000.0 / d.TimelineRows)} / {N(d.Rollbacks * 1000.0 / d.TimelineRows)}" : "-"),
        ("  most rows read by sequential scans (hub tables)", m => m.Database?.MostScanned is { RowsReadBySequentialScans: > 0 } t
            ? $"{N(t.RowsReadBySequentialScans)} in {t.Table} ({N(t.SequentialScans)} scans)" : m.Database is null ? "-" : "none"),
    ];

    private static string Cores(PhaseCpu cpu) =>
        $"{Busy(cpu.Hubs, cpu)}/{Busy(cpu.Broker, cpu)}/{Busy(cpu.Database, cpu)}/{Busy(cpu.Harness, cpu)}/{Busy(cpu.Other, cpu)}";

    private static string Failures(ModeResult m)
    {
        var all = m.Max.NotAccepted.Concat(m.Paced.NotAccepted).GroupBy(p => p.Key).Select(g => $"{g.Key}: {g.Sum(p => p.Value)}").ToList();
        return all.Count == 0 ? "0" : string.Join(", ", all);
    }

    private static string L(LatencySummary? latency) =>
        latency is null ? "no data" : string.Create(CultureInfo.InvariantCulture, $"{latency.P50:0.0} / {latency.P95:0.0} / {latency.P99:0.0} ms");

    private static string B(BatchSummary? batches) =>
        batches is null ? "no data" : string.Create(CultureInfo.InvariantCulture, $"{batches.Batches}, {batches.AverageSize:0.0}, {batches.MedianMillisecondsBetweenBatches:0} ms");

    private static string Ms(double milliseconds) => $"{milliseconds.ToString("0.000", CultureInfo.InvariantCulture)} CPU-ms";

    private static string Busy(double seconds, PhaseCpu cpu) =>
        (cpu.WallSeconds > 0 ? seconds / cpu.WallSeconds : 0).ToString("0.00", CultureInfo.InvariantCulture);

    private static string N(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static void Table(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Prepend(h.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) => "| " + string.Join(" | ", cells.Select((cell, i) => cell.PadRight(widths[i]))) + " |";
        output.WriteLine(Line(header));
        output.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in rows)
        {
            output.WriteLine(Line(row));
        }
    }
}
