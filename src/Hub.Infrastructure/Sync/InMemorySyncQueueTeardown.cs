using Hub.Contracts.Customers;
using Hub.Contracts.Touchpoints;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// On the in-memory bus, whose queues cannot be unbound or deleted: a queue without a receiver keeps everything
/// published to it in memory. So the instance's queue gets a receiver that drops what arrives, until a process
/// connects the endpoint again. Equivalent to the broker's teardown: nothing collects for an instance that takes no changes.
/// </summary>
internal sealed partial class InMemorySyncQueueTeardown(IReceiveEndpointConnector bus, ILogger<InMemorySyncQueueTeardown> logger) : ISyncQueueTeardown
{
    private readonly Dictionary<string, HostReceiveEndpointHandle> _discarding = new(StringComparer.OrdinalIgnoreCase);

    public async Task TearDownAsync(string instanceId)
    {
        var queue = SyncEndpoints.For(instanceId);
        try
        {
            var handle = bus.ConnectReceiveEndpoint(queue, (_, endpoint) =>
            {
                endpoint.Handler<CustomerUpdateGroup>(_ => Task.CompletedTask);
                endpoint.Handler<CustomerUpdated>(_ => Task.CompletedTask);
                endpoint.Handler<TouchpointAppended>(_ => Task.CompletedTask);
            });
            lock (_discarding)
            {
                _discarding[instanceId] = handle;
            }
            await handle.Ready;
            LogDiscarding(logger, queue, instanceId);
        }
        catch (Exception e)
        {
            LogFailed(logger, e, queue, instanceId);
        }
    }

    public async Task BeforeConnectAsync(string instanceId)
    {
        HostReceiveEndpointHandle? handle;
        lock (_discarding)
        {
            _discarding.Remove(instanceId, out handle);
        }
        if (handle is not null)
        {
            await handle.StopAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Queue} drops what arrives: connector instance '{Id}' is no sync target any more")]
    private static partial void LogDiscarding(ILogger logger, string queue, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not make {Queue} of connector instance '{Id}', which is no sync target any more, drop what arrives; it keeps changes in memory until the instance is a target again")]
    private static partial void LogFailed(ILogger logger, Exception exception, string queue, string id);
}
