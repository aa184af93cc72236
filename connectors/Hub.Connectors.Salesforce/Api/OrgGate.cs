using System.Collections.Concurrent;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Api;

/// <summary>
/// Back-off and circuit breaker per org. When Salesforce says REQUEST_LIMIT_EXCEEDED, 429 or 503, no call
/// goes to that org until its Retry-After (or a doubling default) has passed; after five transient failures
/// in a row the circuit opens for 30 seconds. Meanwhile calls fail at once with
/// <see cref="SyncTargetUnavailableException"/> naming the wait, and the host retries them later.
/// </summary>
internal sealed class OrgGate(TimeProvider time)
{
    public const int FailuresToOpen = 5;
    public static readonly TimeSpan OpenDuration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestBackOff = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, State> _orgs = new(StringComparer.OrdinalIgnoreCase);

    public void ThrowIfClosed(string instanceId)
    {
        var state = _orgs.GetOrAdd(instanceId, _ => new State());
        lock (state)
        {
            var wait = state.Until - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                throw new SyncTargetUnavailableException($"Salesforce org of '{instanceId}' is backed off: {state.Reason}; no call for another {wait.TotalSeconds:0} s.", wait);
            }
        }
    }

    /// <summary>Closes the gate for the time Salesforce asked for, or a doubling default; returns the wait.</summary>
    public TimeSpan BackOff(string instanceId, TimeSpan? retryAfter, string reason)
    {
        var state = _orgs.GetOrAdd(instanceId, _ => new State());
        lock (state)
        {
            var wait = retryAfter ?? TimeSpan.FromTicks(Math.Min(LongestBackOff.Ticks, FirstBackOff.Ticks << Math.Min(state.BackOffs, 10)));
            state.BackOffs++;
            state.Until = time.GetUtcNow() + wait;
            state.Reason = reason;
            return wait;
        }
    }

    public void Failure(string instanceId, string reason)
    {
        var state = _orgs.GetOrAdd(instanceId, _ => new State());
        lock (state)
        {
            if (++state.Failures >= FailuresToOpen)
            {
                state.Failures = 0;
                state.Until = time.GetUtcNow() + OpenDuration;
                state.Reason = $"{FailuresToOpen} failures in a row, the last: {reason}";
            }
        }
    }

    public void Success(string instanceId)
    {
        var state = _orgs.GetOrAdd(instanceId, _ => new State());
        lock (state)
        {
            state.Failures = 0;
            state.BackOffs = 0;
        }
    }

    private sealed class State
    {
        public DateTimeOffset Until { get; set; } = DateTimeOffset.MinValue;

        public int Failures { get; set; }

        public int BackOffs { get; set; }

        public string Reason { get; set; } = "";
    }
}
