using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Infrastructure.Polling;

/// <summary>
/// Runs every polling source instance, those added, changed or removed in the admin UI included (it follows the
/// list's change token, so no restart is needed): claim the source's lease, poll from its checkpoint, make the touchpoints
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

    /// <summary>How long a stopping loop may take to give its lease up; the host's shutdown time is shared with the bus.</summary>
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(5);
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new Dictionary<string, RunningSource>(StringComparer.OrdinalIgnoreCase);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Taken before the list is read, so a change made while reconciling is not missed.
                var changed = instances.GetChangeToken();
                await ReconcileAsync(running, stoppingToken);
                var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var registration = changed.RegisterChangeCallback(_ => fired.TrySetResult(), null);
                await fired.Task.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(running.Values.Select(r => r.StopAsync()));
        }
    }

    /// <summary>
    /// Starts a loop for each polling instance that has none, and stops the loops of instances that were removed,
    /// disabled or changed (a changed one starts again with its new settings, from the stored checkpoint).
    /// </summary>
    private async Task ReconcileAsync(Dictionary<string, RunningSource> running, CancellationToken stoppingToken)
    {
        var wanted = new Dictionary<string, (ConnectorInstance Instance, IPollingSource Source)>(StringComparer.OrdinalIgnoreCase);
        foreach (var instance in instances.All)
        {
            if (instances.TryGet(instance.Id, out _, out var connector) && connector is IPollingSource source && source.Polls(instance))
            {
                wanted[instance.Id] = (instance, source);
            }
        }
        foreach (var (id, loop) in running.ToList())
        {
            if (!wanted.TryGetValue(id, out var next) || !ConnectorInstances.SameSettings(next.Instance, loop.Instance))
            {
                await loop.StopAsync();
                running.Remove(id);
                LogStopped(logger, id);
            }
        }
        foreach (var (id, (instance, source)) in wanted.Where(w => !running.ContainsKey(w.Key)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            running[id] = new RunningSource(instance, stop, Task.Run(() => RunAsync(instance, source, stop.Token), CancellationToken.None));
            LogStarted(logger, id);
        }
    }

    private async Task RunAsync(ConnectorInstance instance, IPollingSource source, CancellationToken stoppingToken)
    {
        var lease = options.Value.Lease;
        var outage = new OutageLog(logger, $"Polling {instance.Id}", time);
        var holding = new LeaseHolding(instance.Id, logger);
        try
        {
            await PollWhileRunningAsync(instance, source, lease, outage, holding, stoppingToken);
        }
        finally
        {
            await ReleaseAsync(instance.Id, holding);
        }
    }

    private async Task PollWhileRunningAsync(ConnectorInstance instance, IPollingSource source, TimeSpan lease, OutageLog outage, LeaseHolding holding, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await PollOnceAsync(instance, source, lease, holding, stoppingToken);
                outage.Succeeded();
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
                outage.Failed(e, (log, exception) => LogPollFailed(log, exception, instance.Id));
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
    private async Task<TimeSpan> PollOnceAsync(ConnectorInstance instance, IPollingSource source, TimeSpan lease, LeaseHolding holding, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = time.GetUtcNow();
        var row = await SourceLease.ClaimAsync(db, instance.Id, _owner, now, lease, cancellationToken);
        holding.Is(row is not null);
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
        // Not taken, so the checkpoint stays and the poll fails loudly: a touchpoint that does not fit the store would
        // otherwise fail in resolution after the checkpoint moved past it.
        if (result.Touchpoints.Select(d => TouchpointLimits.Exceeded(d)).FirstOrDefault(p => p is not null) is { } tooLong)
        {
            throw new InvalidOperationException($"{instance.Id} polled a touchpoint the hub cannot store: {tooLong}");
        }
        var normalizer = scope.ServiceProvider.GetRequiredService<TouchpointNormalizer>();
        var touchpoints = result.Touchpoints.Select(d => normalizer.Normalize(d, instance.Id, receivedAt, instance.Settings.Get("DefaultRegion"))).ToList();
        await scope.ServiceProvider.GetRequiredService<ITouchpointIngress>().AcceptAsync(touchpoints, cancellationToken);
        var after = time.GetUtcNow();
        if (!await SourceLease.AdvanceAsync(db, instance.Id, _owner, result.Checkpoint, after + result.NextPollIn, after, lease, cancellationToken))
        {
            LogLeaseLost(logger, instance.Id);
            holding.Lost();
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

    /// <summary>
    /// On a graceful stop (shutdown, or the instance removed or changed) the lease is given up at once, so another process
    /// takes the source over at its next check rather than after the lease lapsed. Only if this process still holds it;
    /// a failure here only means the lease lapses as after a crash.
    /// </summary>
    private async Task ReleaseAsync(string instanceId, LeaseHolding holding)
    {
        if (!holding.Held)
        {
            return;
        }
        try
        {
            using var timeout = new CancellationTokenSource(ReleaseTimeout);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            if (await SourceLease.ReleaseAsync(db, instanceId, _owner, time.GetUtcNow(), timeout.Token))
            {
                LogLeaseReleased(logger, instanceId);
            }
        }
        catch (Exception e)
        {
            LogReleaseFailed(logger, e, instanceId);
        }
    }

    /// <summary>Whether this process held a source's lease at its last check, so that taking and losing it is logged once each.</summary>
    private sealed class LeaseHolding(string instanceId, ILogger logger)
    {
        public bool Held { get; private set; }

        public void Is(bool held)
        {
            if (held && !Held)
            {
                LogLeaseTaken(logger, instanceId);
            }
            else if (!held && Held)
            {
                LogLeaseHeldElsewhere(logger, instanceId);
            }
            Held = held;
        }

        public void Lost() => Held = false;
    }

    private sealed record RunningSource(ConnectorInstance Instance, CancellationTokenSource Stop, Task Loop)
    {
        public async Task StopAsync()
        {
            await Stop.CancelAsync();
            await Loop;
            Stop.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling {ConnectorInstance} set up; it runs in the hub process that holds its lease")]
    private static partial void LogStarted(ILogger logger, string connectorInstance);

    [LoggerMessage(Level = LogLevel.Information, Message = "This process took the lease of {ConnectorInstance} and polls it")]
    private static partial void LogLeaseTaken(ILogger logger, string connectorInstance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another hub process holds the lease of {ConnectorInstance} now; this one polls it again only once the lease is free")]
    private static partial void LogLeaseHeldElsewhere(ILogger logger, string connectorInstance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released the lease of {ConnectorInstance}: another hub process takes it over at its next check")]
    private static partial void LogLeaseReleased(ILogger logger, string connectorInstance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the lease of {ConnectorInstance}; another hub process takes it over once it lapses")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string connectorInstance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling {ConnectorInstance} stopped: the instance was removed, disabled or changed")]
    private static partial void LogStopped(ILogger logger, string connectorInstance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled {Count} touchpoints from {ConnectorInstance}")]
    private static partial void LogPolled(ILogger logger, string connectorInstance, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ConnectorInstance} asks to wait: {Reason}")]
    private static partial void LogSourceBusy(ILogger logger, string connectorInstance, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling {ConnectorInstance} failed; trying again later")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string connectorInstance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another hub process took over {ConnectorInstance} during a poll; it repeats the poll, and nothing doubles")]
    private static partial void LogLeaseLost(ILogger logger, string connectorInstance);
}
