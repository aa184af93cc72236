using Hub.Benchmarks.Ceilings;
using System.Diagnostics;
using Hub.Benchmarks.Hosting;
using Hub.Benchmarks.Measurement;
using Hub.Benchmarks.Reporting;
using Hub.Benchmarks.Workload;

namespace Hub.Benchmarks.Scenarios;

/// <summary>
/// The phases every mode goes through once its hubs run: a warm-up, the maximum-throughput phase, the
/// sync-back count, and the latency phase at half the measured end-to-end maximum. A sync-back backlog
/// left by the maximum phase is handed to <paramref name="syncBacklog"/> first, which drops it where the
/// mode allows (so the latency phase measures the hub at that load, not the hub catching up) and says what it did;
/// the deliveries the hub had already taken on are then waited out.
/// <paramref name="besidePaced"/>, where given, runs during the latency phase for as long as it lasts.
/// </summary>
internal sealed class HubRun(
    string mode,
    HubFleet fleet,
    ITimeline timeline,
    SyncTarget target,
    BenchmarkOptions options,
    Func<SyncResult, CancellationToken, Task<string>> syncBacklog,
    Action<string> log,
    Func<TimeSpan, CancellationToken, Task<BrokerLatency>>? besidePaced = null)
{
    private static readonly TimeSpan SyncQuietPeriod = TimeSpan.FromSeconds(3);

    private readonly TouchpointPlan _plan = new(options.Customers, options.Overlap, options.PayloadBytes, options.Seed, options.SplitShare, options.ContestedShare);
    private readonly WebhookDriver _driver = new(fleet.Clients);
    private readonly IReadOnlyList<int> _pids = [.. fleet.Hubs.Select(h => h.ProcessId)];
    private readonly List<int> _bodySizes = [];

    public async Task<ModeResult> RunAsync(CancellationToken cancellationToken)
    {
        var recordedAt = await timeline.HasRecordedAtAsync(cancellationToken);
        if (!recordedAt)
        {
            log($"{mode}: the timeline has no RecordedAt column; end-to-end latency is only measured from outside (polling)");
        }
        await WarmUpAsync(cancellationToken);
        var outboxBefore = await timeline.OutboxByTypeAsync(cancellationToken);
        var max = await MaxPhaseAsync(recordedAt, cancellationToken);
        var sync = await SyncPhaseAsync(outboxBefore, cancellationToken);
        string? backlog = null;
        if (!sync.Drained)
        {
            backlog = await syncBacklog(sync, cancellationToken);
            // What the hub had already taken off the queue (its prefetch, a batch in flight) is not dropped; it is
            // delivered first, or the latency phase would start with the hub catching up.
            var waited = Stopwatch.StartNew();
            var quiet = await WaitForSyncQuietAsync(options.SyncTimeout + SyncQuietPeriod, cancellationToken);
            var (left, _, _) = target.Reset();
            backlog += $"; then {left} deliveries already under way, {(quiet ? "done" : "still going")} after {waited.Elapsed.TotalSeconds:0.0} s";
            log($"{mode}: sync-back backlog before the latency phase: {backlog}");
        }
        var paced = await PacedPhaseAsync(max.EndToEndPerSecond / 2, recordedAt, backlog, cancellationToken);
        var reused = _plan.Reused;
        if (_plan.SplitsJoined > 0)
        {
            log($"{mode}: {_plan.SplitsJoined} calls joined a split customer's two halves (one merge each)");
        }
        if (_plan.Contested > 0)
        {
            log($"{mode}: {_plan.Contested} calls named two customers that merge protection keeps apart");
        }
        return new ModeResult(
            mode,
            fleet.Hubs.Count,
            _bodySizes.Count > 0 ? _bodySizes.Average() : 0,
            await timeline.AverageTouchpointBytesAsync(cancellationToken),
            _plan.IntroducedCustomers,
            (double)reused / (reused + _plan.IntroducedCustomers),
            max,
            sync,
            paced,
            [.. fleet.Hubs.Select(h => h.PeakWorkingSetBytes)])
        {
            ResidentAtEnd = [.. fleet.Hubs.Select(h => h.ResidentBytes)],
            SplitsJoined = _plan.SplitsJoined,
            Contested = _plan.Contested,
        };
    }

    /// <summary>
    /// Lets the JIT tier up and the pools fill: rounds of <see cref="BenchmarkOptions.WarmUp"/> webhooks until the hubs'
    /// JIT compilation took under <see cref="SettledJitShare"/> of one core during a round (or the rounds run out).
    /// A hub is a long-running server; what it does while still compiling its hot paths is not its throughput.
    /// Its sync-back work may still run into the next phase, which runs sync-back flat out anyway.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        for (var round = 1; round <= options.WarmUpRounds; round++)
        {
            var calls = options.WarmUp;
            log($"{mode}: warm-up round {round}, {calls} webhooks");
            var baseline = await timeline.CountAsync(cancellationToken);
            var jitBefore = await RuntimeCounters.JitSecondsAsync(fleet.Clients, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var drive = await _driver.RunClosedLoopAsync(_plan.Take(calls, $"w{round}"), options.Concurrency, cancellationToken);
            if (drive.Accepted == 0)
            {
                throw new InvalidOperationException($"{mode}: the hub accepted none of the warm-up webhooks ({string.Join(", ", drive.NotAccepted.Select(p => $"{p.Key}: {p.Value}"))}; {drive.FirstError}).");
            }
            await TimelineWaiter.WaitForAsync(timeline, baseline + drive.Accepted, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var jitAfter = await RuntimeCounters.JitSecondsAsync(fleet.Clients, cancellationToken);
            if (jitBefore is null || jitAfter is null)
            {
                log($"{mode}:   the hubs do not report JIT time; one round only");
                return;
            }
            var share = (jitAfter.Value - jitBefore.Value) / seconds / fleet.Hubs.Count;
            log($"{mode}:   {seconds:0.0} s, JIT compilation {share:P0} of a core per hub");
            WarmUpRounds = round;
            WarmUpJitShare = share;
            if (share < SettledJitShare)
            {
                return;
            }
        }
    }

    private const double SettledJitShare = 0.05;

    /// <summary>The warm-up rounds run, and the JIT's share of a core per hub in the last one.</summary>
    public int WarmUpRounds { get; private set; }

    public double? WarmUpJitShare { get; private set; }

    private async Task<MaxPhaseResult> MaxPhaseAsync(bool recordedAt, CancellationToken cancellationToken)
    {
        var calls = _plan.Take(options.Touchpoints, "m");
        _bodySizes.AddRange(calls.Select(c => System.Text.Encoding.UTF8.GetByteCount(c.Body)));
        var baseline = await timeline.CountAsync(cancellationToken);
        target.Reset();
        log($"{mode}: maximum throughput, {calls.Count} webhooks, {options.Concurrency} in flight");
        var cpuBefore = CpuUsage.Snapshot(_pids);
        var jitBefore = await RuntimeCounters.JitSecondsAsync(fleet.Clients, cancellationToken);
        var drive = await _driver.RunClosedLoopAsync(calls, options.Concurrency, cancellationToken);
        log($"{mode}:   {drive.Accepted} accepted in {drive.Seconds:0.0} s ({drive.AcceptedPerSecond:0}/s); waiting for the timeline");
        var (count, seenAt, complete) = await TimelineWaiter.WaitForAsync(timeline, baseline + drive.Accepted, cancellationToken);
        var cpu = CpuUsage.Snapshot(_pids) - cpuBefore;
        var jitAfter = await RuntimeCounters.JitSecondsAsync(fleet.Clients, cancellationToken);
        var committed = count - baseline;

        LatencySummary? endToEnd = null;
        BatchSummary? batches = null;
        var seconds = Stopwatch.GetElapsedTime(drive.FirstTimestamp, seenAt).TotalSeconds;
        var clock = "timeline count polled every 100 ms";
        if (recordedAt)
        {
            var stamps = await timeline.StampsAsync("m-", cancellationToken);
            if (stamps.Count > 0)
            {
                seconds = (stamps.Max(s => s.RecordedAt) - drive.FirstSentAt).TotalSeconds;
                clock = "latest RecordedAt";
                endToEnd = LatencySummary.Of(stamps.Select(s => (s.RecordedAt - s.ReceivedAt).TotalMilliseconds));
                batches = BatchSummary.Of(stamps.Select(s => s.RecordedAt));
            }
        }
        var perThousand = committed > 0 ? 1000.0 / committed : 0;
        var result = new MaxPhaseResult(
            calls.Count,
            drive.Accepted,
            drive.NotAccepted,
            drive.FirstError,
            drive.AcceptedPerSecond,
            committed,
            complete,
            seconds,
            committed / seconds,
            clock,
            drive.AcceptedLatency,
            endToEnd,
            batches,
            cpu.Hubs.Values.Sum() * perThousand,
            [.. _pids.Select(pid => cpu.Hubs.GetValueOrDefault(pid) * perThousand)],
            PhaseCpu.From(cpu, Stopwatch.GetElapsedTime(drive.FirstTimestamp, seenAt).TotalSeconds, _pids),
            jitAfter - jitBefore,
            WarmUpRounds,
            WarmUpJitShare);
        log($"{mode}:   {committed} on the timeline after {seconds:0.0} s: {result.EndToEndPerSecond:0}/s end to end{(complete ? "" : " (INCOMPLETE)")}");
        return result;
    }

    private async Task<SyncResult> SyncPhaseAsync(IReadOnlyDictionary<string, long> outboxBefore, CancellationToken cancellationToken)
    {
        log($"{mode}: sync-back, counting deliveries until none for {SyncQuietPeriod.TotalSeconds:0} s (at most {options.SyncTimeout.TotalSeconds:0} s more)");
        var drained = await WaitForSyncQuietAsync(options.SyncTimeout, cancellationToken);
        var (deliveries, first, last) = target.Reset();
        var outboxAfter = await timeline.OutboxByTypeAsync(cancellationToken);
        var announced = outboxAfter.ToDictionary(p => p.Key, p => p.Value - outboxBefore.GetValueOrDefault(p.Key), StringComparer.Ordinal);
        var seconds = deliveries > 1 ? Stopwatch.GetElapsedTime(first, last).TotalSeconds : 0;
        var unsent = await timeline.UnsentOutboxAsync(cancellationToken);
        var result = new SyncResult(deliveries, seconds, seconds > 0 ? deliveries / seconds : 0, drained, announced, unsent);
        log($"{mode}:   {deliveries} deliveries in {seconds:0.0} s ({result.DeliveriesPerSecond:0}/s){(drained ? "" : ", still delivering when the count stopped")}; {unsent} outbox rows not yet published");
        return result;
    }

    private async Task<PacedPhaseResult> PacedPhaseAsync(double perSecond, bool recordedAt, string? syncBacklog, CancellationToken cancellationToken)
    {
        perSecond = Math.Max(1, perSecond);
        // The lead-in's webhooks ("q-") go first in the same paced stream; only those after it ("p-") are measured.
        var leadIn = _plan.Take((int)(perSecond * options.PacedLeadIn.TotalSeconds), "q");
        var calls = _plan.Take(Math.Max(1, (int)(perSecond * options.PacedDuration.TotalSeconds)), "p");
        var baseline = await timeline.CountAsync(cancellationToken);
        log($"{mode}: latency at half the maximum, {perSecond:0}/s for {options.PacedLeadIn.TotalSeconds:0.#} s (lead-in, not measured), then {options.PacedDuration.TotalSeconds:0} s");

        using var stopPolling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        IReadOnlyList<WebhookCall> stream = [.. leadIn, .. calls];
        var poller = new ObservationPoller(timeline, stream, _driver);
        var polling = poller.RunAsync(stopPolling.Token);
        var driving = _driver.RunPacedAsync(stream, perSecond, options.Concurrency * 4, cancellationToken);
        await Task.Delay(options.PacedLeadIn, cancellationToken);
        var gcBefore = await RuntimeCounters.GcAsync(fleet.Clients, cancellationToken);
        var beside = besidePaced?.Invoke(options.PacedDuration, cancellationToken);
        var whole = await driving;
        var drive = whole.From(leadIn.Count);
        var brokerBeside = beside is null ? null : await beside;
        var (_, _, complete) = await TimelineWaiter.WaitForAsync(timeline, baseline + whole.Accepted, cancellationToken);
        var gcAfter = await RuntimeCounters.GcAsync(fleet.Clients, cancellationToken);
        await Task.Delay(50, cancellationToken);
        await stopPolling.CancelAsync();
        await polling;

        var stamps = recordedAt ? await timeline.StampsAsync("p-", cancellationToken) : [];
        var endToEnd = LatencySummary.Of(stamps.Select(s => (s.RecordedAt - s.ReceivedAt).TotalMilliseconds));
        if (options.LatencyTracePath is { } tracePath)
        {
            var file = $"{tracePath}-{mode}.csv";
            foreach (var line in await LatencyTrace.WriteAsync(file, drive, stamps, cancellationToken))
            {
                log($"{mode}:   {line}");
            }
            log($"{mode}:   latency trace: {file}");
        }
        var result = new PacedPhaseResult(
            perSecond,
            drive.SentPerSecond,
            calls.Count,
            drive.Accepted,
            whole.NotAccepted,
            drive.InFlightLimitHits,
            complete,
            drive.AcceptedLatency,
            endToEnd,
            LatencySummary.Of(poller.Latencies(drive, leadIn.Count)),
            BatchSummary.Of(stamps.Select(s => s.RecordedAt)),
            syncBacklog,
            gcBefore is not null && gcAfter is not null ? gcAfter - gcBefore : null) { BrokerBeside = brokerBeside };
        log($"{mode}:   ingress p99 {result.IngressLatency?.P99:0.0} ms, end to end p99 {result.EndToEndLatency?.P99:0.0} ms (RecordedAt), {result.ObservedEndToEndLatency?.P99:0.0} ms (observed)");
        if (brokerBeside?.Confirm is { } confirm)
        {
            log($"{mode}:   the broker beside it ({brokerBeside.OfferedPerSecond:0}/s of RabbitMQ.Client publishes): confirm p50 {confirm.P50:0.0} ms, p99 {confirm.P99:0.0} ms");
        }
        return result;
    }

    /// <summary>True when no delivery came for <see cref="SyncQuietPeriod"/>; false when <paramref name="timeout"/> ran out first.</summary>
    private async Task<bool> WaitForSyncQuietAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var lastCount = target.Deliveries;
        var lastChange = Stopwatch.GetTimestamp();
        while (waited.Elapsed < timeout)
        {
            await Task.Delay(250, cancellationToken);
            var count = target.Deliveries;
            if (count != lastCount)
            {
                lastCount = count;
                lastChange = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastChange) >= SyncQuietPeriod)
            {
                return true;
            }
        }
        return false;
    }
}
