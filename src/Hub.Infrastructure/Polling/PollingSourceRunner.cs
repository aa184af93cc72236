using Hub.Contracts.Connectors;
using Hub.Core.Identity;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Infrastructure.Polling;

/// <summary>
/// Runs every polling source instance: claim the source's lease, poll from its checkpoint, make the touchpoints
/// durable through the same ingress as webhooks, and only then store the new checkpoint. A process that dies
/// between the two repeats the poll after the lease passes to another; the touchpoints' deterministic ids make
/// the repeat change nothing, so nothing is lost and nothing doubled.
/// </summary>
internal sealed partial class PollingSourceRunner(
    ConnectorInstances instances,
    IServiceScopeFactory scopes,
    IOptions<PollingOptions> options,
    TimeProvider time,
    ILogger<PollingSourceRunner> logger) : BackgroundService
{
    private static readonly TimeSpan FailureWait = TimeSpan.FromSeconds(30);
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new List<Task>();
        foreach (var instance in instances.All)
        {
            if (instances.TryGet(instance.Id, out _, out var connector) && connector is IPollingSource source && source.Polls(instance))
            {
                loops.Add(RunAsync(instance, source, stoppingToken));
            }
        }
        return Task.WhenAll(loops);
    }

    private async Task RunAsync(ConnectorInstance instance, IPollingSource source, CancellationToken stoppingToken)
    {
        var lease = options.Value.Lease;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await PollOnceAsync(instance, source, lease, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SyncTargetUnavailableException e)
            {
                LogSourceBusy(logger, instance.Id, e.Message);
                wait = e.RetryAfter ?? FailureWait;
                await PostponeAsync(instance.Id, wait, lease, stoppingToken);
            }
            catch (Exception e)
            {
                LogPollFailed(logger, e, instance.Id);
                wait = FailureWait;
            }
            try
            {
                // Never sleep past the lease unrenewed: wake up to renew it (or to see that the next poll is not due yet).
                await Task.Delay(wait < lease / 2 ? wait : lease / 2, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One round; returns how long to wait before the next.</summary>
    private async Task<TimeSpan> PollOnceAsync(ConnectorInstance instance, IPollingSource source, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = time.GetUtcNow();
        var row = await SourceLease.ClaimAsync(db, instance.Id, _owner, now, lease, cancellationToken);
        if (row is null)
        {
            return lease / 2;
        }
        if (row.NextPollAt > now)
        {
            return row.NextPollAt - now;
        }
        var result = await source.PollAsync(instance, row.Checkpoint, cancellationToken);
        var receivedAt = time.GetUtcNow();
        var normalizer = scope.ServiceProvider.GetRequiredService<TouchpointNormalizer>();
        var touchpoints = result.Touchpoints.Select(d => normalizer.Normalize(d, instance.Id, receivedAt, instance.Settings.Get("DefaultRegion"))).ToList();
        await scope.ServiceProvider.GetRequiredService<ITouchpointIngress>().AcceptAsync(touchpoints, cancellationToken);
        var after = time.GetUtcNow();
        if (!await SourceLease.AdvanceAsync(db, instance.Id, _owner, result.Checkpoint, after + result.NextPollIn, after, lease, cancellationToken))
        {
            LogLeaseLost(logger, instance.Id);
        }
        else if (touchpoints.Count > 0)
        {
            LogPolled(logger, instance.Id, touchpoints.Count);
        }
        return result.NextPollIn;
    }

    private async Task PostponeAsync(string instanceId, TimeSpan wait, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = time.GetUtcNow();
        if (await SourceLease.ClaimAsync(db, instanceId, _owner, now, lease, cancellationToken) is { } row)
        {
            await SourceLease.AdvanceAsync(db, instanceId, _owner, row.Checkpoint, now + wait, now, lease, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled {Count} touchpoints from {ConnectorInstance}")]
    private static partial void LogPolled(ILogger logger, string connectorInstance, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ConnectorInstance} asks to wait: {Reason}")]
    private static partial void LogSourceBusy(ILogger logger, string connectorInstance, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling {ConnectorInstance} failed; trying again later")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string connectorInstance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another hub process took over {ConnectorInstance} during a poll; it repeats the poll, and nothing doubles")]
    private static partial void LogLeaseLost(ILogger logger, string connectorInstance);
}
