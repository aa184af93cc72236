using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Hub.Infrastructure.Outbound;
using Polly.CircuitBreaker;

namespace Hub.Infrastructure.Telemetry;

/// <summary>
/// The hub's metrics (meter <c>Hub</c>), exported for Prometheus at <c>/metrics</c>; docs/operations.md says how to read them.
/// </summary>
public sealed class HubMetrics
{
    private readonly Counter<long> _touchpointsReceived;
    private readonly Histogram<double> _resolutionLatency;
    private readonly Histogram<int> _componentReplays;
    private readonly Histogram<double> _outboxLag;
    private readonly Counter<long> _syncResults;
    private readonly CircuitBreakerStates _breakers;
    private readonly ConcurrentDictionary<string, long> _queueDepths = new(StringComparer.Ordinal);

    public HubMetrics(IMeterFactory meterFactory, CircuitBreakerStates breakers)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _breakers = breakers ?? throw new ArgumentNullException(nameof(breakers));
        var meter = meterFactory.Create(HubTelemetry.Name);
        _touchpointsReceived = meter.CreateCounter<long>(
            "hub.touchpoints.received", "{touchpoint}",
            "Touchpoints per connector instance and outcome: accepted (durable), unavailable (answered 503), rejected (requests refused with 4xx).");
        _resolutionLatency = meter.CreateHistogram(
            "hub.resolution.latency", "s", "From the webhook's arrival to the commit that put the touchpoint on a timeline.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        _componentReplays = meter.CreateHistogram<int>(
            "hub.resolution.replays", "{link}",
            "Identity components recomputed in canonical order during resolution (merge protection made arrival order matter), by the touchpoint links each went through.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [10, 100, 1_000, 10_000, 100_000] });
        _outboxLag = meter.CreateHistogram(
            "hub.outbox.lag", "s", "From the commit that wrote an outbox row to its publication on the broker.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        _syncResults = meter.CreateCounter<long>(
            "hub.sync.results", "{change}",
            "Changes handed to a sync target per target instance and outcome: delivered, refused (the target said no), failed (an error; retried).");
        meter.CreateObservableGauge(
            "hub.sync.breaker.state",
            () => _breakers.All.Select(b => new Measurement<int>(State(b.Value), new KeyValuePair<string, object?>("target.address", b.Key))),
            "{state}", "Circuit breaker per target address (scheme, host and port): 0 closed, 1 open, 2 half-open (one trial call), 3 isolated.");
        meter.CreateObservableGauge(
            "hub.queue.depth",
            () => _queueDepths.Select(q => new Measurement<long>(q.Value, new KeyValuePair<string, object?>("queue", q.Key))),
            "{message}", "Ready messages in each of the hub's RabbitMQ queues (error queues included), read every 15 s.");
    }

    public void TouchpointsReceived(string instance, string kind, string outcome, int count) =>
        _touchpointsReceived.Add(count, new("connector.instance", instance), new("connector.kind", kind), new("outcome", outcome));

    public void TouchpointResolved(TimeSpan latency) => _resolutionLatency.Record(Math.Max(0, latency.TotalSeconds));

    public void ComponentReplayed(int links) => _componentReplays.Record(links);

    public void OutboxRowPublished(TimeSpan lag) => _outboxLag.Record(Math.Max(0, lag.TotalSeconds));

    public void SyncCompleted(string target, string outcome, int count)
    {
        if (count > 0)
        {
            _syncResults.Add(count, new("target", target), new("outcome", outcome));
        }
    }

    public void BreakerChanged(string address, CircuitState state) => _breakers.Set(address, state);

    public void QueueDepth(string queue, long depth) => _queueDepths[queue] = depth;

    /// <summary>Drops the depths of queues no longer read (a removed sync target's), so they are not reported forever.</summary>
    public void KeepQueueDepthsOf(IReadOnlyCollection<string> queues)
    {
        foreach (var queue in _queueDepths.Keys.Where(q => !queues.Contains(q)))
        {
            _queueDepths.TryRemove(queue, out _);
        }
    }

    private static int State(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.Open => 1,
        CircuitState.HalfOpen => 2,
        _ => 3,
    };
}
