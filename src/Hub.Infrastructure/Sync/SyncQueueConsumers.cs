using System.Collections.Concurrent;

namespace Hub.Infrastructure.Sync;

/// <summary>Whether this process consumes a sync target's queue: what the connector list shows next to each target.</summary>
public enum SyncQueueState
{
    /// <summary>No consumer in this process: the target's changes wait in its queue (or, on the in-memory bus, are not delivered).</summary>
    NotConsumed,

    /// <summary>The receive endpoint is connected and waits for the transport (the broker) to be ready.</summary>
    Starting,

    Consumed,
}

/// <summary>
/// The sync queues this process consumes: those the bus was configured with when it was built (the configured
/// instances') and those <see cref="RuntimeSyncEndpoints"/> connected since (the instances stored in the database, which
/// are read only after the bus is built). One per process.
/// </summary>
public sealed class SyncQueueConsumers
{
    /// <summary>How long after a failed attempt the queue of a target is connected again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, SyncQueueState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _inBusConfiguration = new(StringComparer.OrdinalIgnoreCase);

    public SyncQueueState StateOf(string instanceId) => _states.GetValueOrDefault(instanceId, SyncQueueState.NotConsumed);

    /// <summary>Whether the bus got this instance's sync queue in its configuration (it lives as long as the bus and cannot be stopped).</summary>
    internal bool InBusConfiguration(string instanceId) => _inBusConfiguration.ContainsKey(instanceId);

    internal void ConfiguredWithTheBus(string instanceId)
    {
        _inBusConfiguration[instanceId] = 0;
        _states[instanceId] = SyncQueueState.Consumed;
    }

    internal void Set(string instanceId, SyncQueueState state) => _states[instanceId] = state;

    internal void Forget(string instanceId) => _states.TryRemove(instanceId, out _);
}
