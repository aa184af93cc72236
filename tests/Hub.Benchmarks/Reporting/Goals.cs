using System.Globalization;

namespace Hub.Benchmarks.Reporting;

/// <summary>The issue's performance goals, checked against one run's numbers (each goal against its own run's ceiling).</summary>
internal static class Goals
{
    public static IReadOnlyList<GoalResult> Evaluate(CeilingsResult? ceilings, ModeResult? production, ModeResult? embedded)
    {
        var goals = new List<GoalResult>();
        if (ceilings is not null && production is not null)
        {
            var ratio = production.Max.EndToEndPerSecond / ceilings.LowerPerSecond;
            goals.Add(new("production end-to-end throughput", $">= 0.5 x lower ceiling ({F(0.5 * ceilings.LowerPerSecond)}/s)",
                $"{F(production.Max.EndToEndPerSecond)}/s = {ratio.ToString("0.00", CultureInfo.InvariantCulture)} x", ratio >= 0.5));
            if (ceilings.BareMinimumPerSecond is { } bare && ceilings.BudgetLeftMilliseconds(0.5) is { } left)
            {
                goals.Add(new("  the most these cores allow for one broker round trip + one batched write per touchpoint, nothing else", "(for scale)",
                    $"{F(bare)}/s = {(bare / ceilings.LowerPerSecond).ToString("0.00", CultureInfo.InvariantCulture)} x", null));
                var harness = production.Max.Committed > 0 ? production.Max.Cpu.Harness * 1000.0 / production.Max.Committed : 0;
                goals.Add(new("  CPU per touchpoint that 0.5 x leaves for all else; used by the hub, and by load generator + sync target", "(for scale)",
                    string.Create(CultureInfo.InvariantCulture, $"{left:0.000} ms; {production.Max.HubCpuSecondsPer1k:0.000} ms, {harness:0.000} ms"), null));
            }
        }
        if (production is not null)
        {
            goals.Add(Latency("production p99 webhook accepted -> timeline committed at half max (RecordedAt - ReceivedAt)", production.Paced.EndToEndLatency?.P99, 100));
            goals.Add(Latency("  the same seen from outside (2xx answer -> committed row polled every 20 ms)", production.Paced.ObservedEndToEndLatency?.P99, 100));
            goals.Add(Latency("production p99 ingress response at half max", production.Paced.IngressLatency?.P99, 25));
            if (production.Paced.BrokerBeside is { Confirm: { } beside } probe)
            {
                goals.Add(new($"  the broker beside the hub in that phase: {F(probe.OfferedPerSecond)}/s more of RabbitMQ.Client publishes, publish -> confirm p50 / p99", "(for scale)",
                    string.Create(CultureInfo.InvariantCulture, $"{beside.P50:0.0} / {beside.P99:0.0} ms"), null));
            }
            if (ceilings?.RabbitMqAtHubLatencyRate is { Confirm: { } confirm } broker)
            {
                goals.Add(new($"  the broker alone at the phase's {F(broker.OfferedPerSecond)}/s: publish -> confirm p50 / p99 (RabbitMQ.Client, after the hub stopped)", "(for scale)",
                    string.Create(CultureInfo.InvariantCulture, $"{confirm.P50:0.0} / {confirm.P99:0.0} ms"), null));
            }
            goals.Add(new("production CPU-seconds per 1k touchpoints reported", "reported", $"{production.Max.HubCpuSecondsPer1k.ToString("0.00", CultureInfo.InvariantCulture)} s", true));
        }
        if (embedded is not null)
        {
            goals.Add(new("embedded end-to-end throughput", ">= 2000/s", $"{F(embedded.Max.EndToEndPerSecond)}/s", embedded.Max.EndToEndPerSecond >= 2000));
            goals.Add(Latency("embedded p99 webhook accepted -> timeline committed at half max (no goal of its own; for comparison)", embedded.Paced.EndToEndLatency?.P99 ?? embedded.Paced.ObservedEndToEndLatency?.P99, 100));
        }
        goals.Add(new("resolution cost with 1M customers <= 1.2 x with 10k", "<= 1.2 x", "not measured by this harness", null));
        return goals;
    }

    private static GoalResult Latency(string goal, double? p99, double limit) =>
        new(goal, $"<= {limit} ms", p99 is { } v ? $"{v.ToString("0.0", CultureInfo.InvariantCulture)} ms" : "no data", p99 is { } value ? value <= limit : null);

    private static string F(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
