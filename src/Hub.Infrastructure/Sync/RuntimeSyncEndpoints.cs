using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Telemetry;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Sync queues for the instances the bus configuration does not hold: those stored in the database (the bus is built
/// when the hosted services are created, before <see cref="StoredConnectorInstancesRefresher"/> has read them) and those
/// added, enabled or disabled while the hub runs. At start it connects a receive endpoint for every sync target the bus
/// was not configured with (<see cref="SyncQueueConsumers"/> says which it was), then follows the instance list: it
/// connects the queue of a new target and stops the one of an instance that went away, whose queue
/// <see cref="ISyncQueueTeardown"/> then keeps from collecting changes nobody reads. A queue that cannot be
/// connected is shown in the connector list and tried again after <see cref="SyncQueueConsumers.RetryDelay"/>; its first
/// failure is logged as a warning with the exception, the next ones only in <see cref="OutageLog"/>'s reminders.
/// </summary>
internal sealed partial class RuntimeSyncEndpoints(
    ConnectorInstances instances,
    IReceiveEndpointConnector bus,
    IBusRegistrationContext context,
    SyncQueueConsumers consumers,
    ISyncQueueTeardown teardown,
    TimeProvider time,
    ILogger<RuntimeSyncEndpoints> logger)
    : IHostedService
{
    private readonly Dictionary<string, HostReceiveEndpointHandle> _endpoints = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, OutageLog> _outages = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IDisposable? _subscription;
    private ITimer? _retry;
    private bool _stopped;

    /// <summary>
    /// Connects the queues before the bus and the outbox relay start (it is registered before them): on the in-memory
    /// bus a change published before its target's queue is bound would not reach that target. It does not wait for the
    /// broker: a receive endpoint starts consuming once its transport is ready.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Watch();
        await ApplyAsync();
    }

    /// <summary>
    /// Never throws: it runs after the bus, when the host's shutdown time may be used up (its token already
    /// canceled), and a throw here would end the process with an unhandled exception. When the gate cannot be had in
    /// time, the flag alone stops a later <see cref="ApplyAsync"/>.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        Volatile.Write(ref _stopped, true);
        var gated = false;
        try
        {
            gated = await _gate.WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        try
        {
            _retry?.Dispose();
        }
        finally
        {
            if (gated)
            {
                _gate.Release();
            }
        }
    }

    private void Watch() => _subscription = instances.GetChangeToken().RegisterChangeCallback(_ =>
    {
        Watch();
        _ = ApplyAsync();
    }, null);

    private async Task ApplyAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (Volatile.Read(ref _stopped))
            {
                return;
            }
            var targets = instances.All
                .Where(i => instances.TryGet(i.Id, out _, out var c) && SyncEndpoints.IsTarget(c, i))
                .Select(i => i.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var (id, handle) in Current().Where(e => !targets.Contains(e.Key)))
            {
                lock (_endpoints)
                {
                    _endpoints.Remove(id);
                }
                consumers.Forget(id);
                try
                {
                    await handle.StopAsync();
                    LogStopped(logger, id);
                }
                catch (Exception e)
                {
                    LogStopFailed(logger, e, id);
                    continue;
                }
                await teardown.TearDownAsync(id);
            }
            var unserved = new List<string>();
            var connected = Current();
            foreach (var id in targets.Where(id => !connected.ContainsKey(id) && !consumers.InBusConfiguration(id)))
            {
                if (!instances.TryGet(id, out _, out var connector))
                {
                    continue;
                }
                try
                {
                    await teardown.BeforeConnectAsync(id);
                    var handle = bus.ConnectReceiveEndpoint(SyncEndpoints.For(id), (_, endpoint) => SyncEndpoints.Configure(endpoint, context, connector));
                    lock (_endpoints)
                    {
                        _endpoints[id] = handle;
                    }
                    consumers.Set(id, SyncQueueState.Starting);
                    OutageOf(id).Succeeded();
                    _ = ReportWhenReadyAsync(id, handle);
                }
                catch (Exception e)
                {
                    consumers.Set(id, SyncQueueState.NotConsumed);
                    unserved.Add(id);
                    OutageOf(id).Failed(e, (log, exception) => LogNotConsumed(log, exception, id, SyncEndpoints.For(id), SyncQueueConsumers.RetryDelay.TotalSeconds));
                }
            }
            // An instance that went away while its queue could not be connected: nothing to recover any more.
            foreach (var gone in _outages.Keys.Where(id => !targets.Contains(id)).ToList())
            {
                _outages.Remove(gone);
            }
            _retry?.Dispose();
            _retry = unserved.Count == 0 ? null : time.CreateTimer(_ => _ = ApplyAsync(), null, SyncQueueConsumers.RetryDelay, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReportWhenReadyAsync(string id, HostReceiveEndpointHandle handle)
    {
        try
        {
            await handle.Ready;
            if (IsCurrent(id, handle))
            {
                consumers.Set(id, SyncQueueState.Consumed);
                LogConnected(logger, id);
            }
        }
        catch (Exception e)
        {
            // MassTransit keeps trying to start the endpoint; the bus's health check reports it meanwhile.
            if (IsCurrent(id, handle))
            {
                LogNotReady(logger, e, id);
            }
        }
    }

    private OutageLog OutageOf(string id)
    {
        if (!_outages.TryGetValue(id, out var outage))
        {
            outage = new OutageLog(logger, $"Connecting the sync queue of connector instance '{id}'", time);
            _outages[id] = outage;
        }
        return outage;
    }

    private Dictionary<string, HostReceiveEndpointHandle> Current()
    {
        lock (_endpoints)
        {
            return new(_endpoints, StringComparer.OrdinalIgnoreCase);
        }
    }

    private bool IsCurrent(string id, HostReceiveEndpointHandle handle)
    {
        lock (_endpoints)
        {
            return _endpoints.TryGetValue(id, out var current) && ReferenceEquals(current, handle);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected the sync queue of connector instance '{Id}'")]
    private static partial void LogConnected(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped the sync queue of connector instance '{Id}'")]
    private static partial void LogStopped(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not stop the sync queue of connector instance '{Id}'")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync target '{Id}' has no consumer in this process: its changes wait in {Queue}. Trying again in {Seconds} s")]
    private static partial void LogNotConsumed(ILogger logger, Exception exception, string id, string queue, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sync queue of connector instance '{Id}' is connected but not ready yet")]
    private static partial void LogNotReady(ILogger logger, Exception exception, string id);
}
