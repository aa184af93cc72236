using Hub.Infrastructure.Connectors;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Sync queues for instances that appear or go while the hub runs (added, enabled or disabled in the admin UI): the bus
/// connects a receive endpoint for a new sync target and stops the one of an instance that went away. Instances present
/// when the bus starts get theirs from the bus configuration.
/// </summary>
internal sealed partial class RuntimeSyncEndpoints(
    ConnectorInstances instances, IReceiveEndpointConnector bus, IBusRegistrationContext context, ILogger<RuntimeSyncEndpoints> logger)
    : IHostedService
{
    private readonly Dictionary<string, HostReceiveEndpointHandle?> _endpoints = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_endpoints)
        {
            // What runs now has its queue from the bus configuration (null: not ours to stop... unless it goes away).
            foreach (var instance in instances.All)
            {
                if (instances.TryGet(instance.Id, out _, out var connector) && SyncEndpoints.IsTarget(connector, instance))
                {
                    _endpoints[instance.Id] = null;
                }
            }
        }
        Watch();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
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
            var targets = instances.All
                .Where(i => instances.TryGet(i.Id, out _, out var c) && SyncEndpoints.IsTarget(c, i))
                .Select(i => i.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var id in _endpoints.Keys.Where(id => !targets.Contains(id)).ToList())
            {
                if (_endpoints[id] is { } handle)
                {
                    await handle.StopAsync();
                }
                _endpoints.Remove(id);
                LogStopped(logger, id);
            }
            foreach (var id in targets.Where(id => !_endpoints.ContainsKey(id)))
            {
                if (!instances.TryGet(id, out _, out var connector))
                {
                    continue;
                }
                var handle = bus.ConnectReceiveEndpoint(SyncEndpoints.For(id), (_, endpoint) => SyncEndpoints.Configure(endpoint, context, connector));
                await handle.Ready;
                _endpoints[id] = handle;
                LogConnected(logger, id);
            }
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected the sync queue of connector instance '{Id}'")]
    private static partial void LogConnected(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped the sync queue of connector instance '{Id}'")]
    private static partial void LogStopped(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not change the sync queues after the connector instances changed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
