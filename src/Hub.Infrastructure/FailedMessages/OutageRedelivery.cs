using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Hub.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.FailedMessages;

/// <summary>
/// Catches a sync target up after an outage longer than its queue waits (<see cref="SyncOptions.TargetWaitBudgetSeconds"/>
/// and the endpoint's retries), which left its changes as failed messages. Every
/// <see cref="SyncOptions.OutageRedeliveryIntervalSeconds"/>, per sync queue with failed rows an outage caused
/// (<see cref="OutageFailures"/>):
/// <list type="bullet">
/// <item>The target is back when one of its checkpoints was written after the newest of those failures: it took, refused or
/// sent something since. Then all of them are replayed, oldest first.</item>
/// <item>Otherwise the oldest one is replayed as a probe, unless a replay of the queue may still be on its way (replayed, not
/// failed again, within <see cref="ReplayInFlightFor"/>): so a target still down gets one delivery at a time. A probe it
/// takes writes a checkpoint, and the next round replays the rest; one that fails again is the newest failure, and the
/// next round probes again.</item>
/// </list>
/// "Replayed and not failed again by the next round" is no sign of life: the probe may still be waiting out the target's
/// back-off. Replays go through <see cref="FailedMessageReplayer"/>, so they carry <c>Hub-Replay-Of</c>, mark the row and
/// are audited as <see cref="Actor"/>. Several hub processes each run this; none claims a queue. Two may replay the same
/// row at the same moment (the row is marked once, the second copy is skipped by the target's checkpoint: the consumers are
/// idempotent by customer versions), and a replay in flight holds every process's probes back, as it is in the database.
/// </summary>
internal sealed partial class OutageRedelivery(
    IServiceScopeFactory scopes, ConnectorInstances instances, SyncOptions options, TimeProvider time, ILogger<OutageRedelivery> logger)
    : BackgroundService
{
    public const string Actor = "hub (automatic replay after outage)";

    private readonly OutageLog _outage = new(logger, "The replay of failed messages after a target outage", time);

    /// <summary>
    /// The longest a replayed delivery may still be under way: the target's back-off, then the endpoint's retries (about
    /// 2.5 minutes) with the outbound client's own. A probe that neither failed again nor wrote a checkpoint by then took
    /// nothing (its changes were already there), and the next one may go.
    /// </summary>
    private TimeSpan ReplayInFlightFor => options.TargetWaitBudget + TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.OutageRedeliveryIntervalSeconds == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.OutageRedeliveryInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RedeliverAsync(stoppingToken);
                _outage.Succeeded();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or the broker is away: the rows stay failed, and the next round looks again.
                _outage.Failed(e, LogRoundFailed);
            }
        }
    }

    private async Task RedeliverAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var replayer = scope.ServiceProvider.GetRequiredService<FailedMessageReplayer>();
        var candidates = await db.FailedMessages.AsNoTracking()
            .Where(f => f.Status == FailedMessageStatus.Failed && f.Queue.StartsWith(SyncEndpoints.QueuePrefix)
                && OutageFailures.ExceptionTypes.Contains(f.ExceptionType))
            .OrderBy(f => f.Id)
            .Select(f => new { f.Id, f.Queue, f.ExceptionType, f.ExceptionMessage, f.LastFailedAt })
            .ToListAsync(cancellationToken);
        foreach (var queue in candidates.Where(f => OutageFailures.IsOutage(f.ExceptionType, f.ExceptionMessage)).GroupBy(f => f.Queue))
        {
            // A queue of a target no longer configured has nothing to deliver to; its rows wait for the operator.
            if (!instances.TryGet(queue.Key[SyncEndpoints.QueuePrefix.Length..], out var instance, out _))
            {
                continue;
            }
            var newestFailure = queue.Max(f => f.LastFailedAt);
            if (await SeenSinceAsync(db, instance.Id, newestFailure, cancellationToken))
            {
                LogCatchingUp(logger, queue.Key, queue.Count());
                foreach (var row in queue)
                {
                    await replayer.ReplayAsync(row.Id, Actor, cancellationToken);
                }
            }
            else if (!await ReplayInFlightAsync(db, queue.Key, cancellationToken))
            {
                var oldest = queue.First();
                LogProbing(logger, queue.Key, oldest.Id);
                await replayer.ReplayAsync(oldest.Id, Actor, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A checkpoint written after the failure: the target took or refused a change, or sent one (its own echo). An erasure
    /// freezes checkpoints without calling the target, so those do not count.
    /// </summary>
    private static Task<bool> SeenSinceAsync(HubDbContext db, string instanceId, DateTimeOffset failure, CancellationToken cancellationToken) =>
        db.SyncCheckpoints.AnyAsync(
            c => c.ConnectorInstanceId == instanceId && c.UpdatedAt > failure && c.DeliveredVersion != SyncCheckpoints.ErasedVersion,
            cancellationToken);

    /// <summary>
    /// A replay of the queue that has not failed again and may still be under way, even one sent before the newest failure:
    /// that failure may be another change's first delivery, failing while the probe still waits out the target's back-off.
    /// </summary>
    private Task<bool> ReplayInFlightAsync(HubDbContext db, string queue, CancellationToken cancellationToken)
    {
        var stillUnderWay = time.GetUtcNow() - ReplayInFlightFor;
        return db.FailedMessages.AnyAsync(
            f => f.Queue == queue && f.Status == FailedMessageStatus.Replayed && f.ReplayedAt > stillUnderWay, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync target of {Queue} is back: replaying its {Count} failed messages from the outage")]
    private static partial void LogCatchingUp(ILogger logger, string queue, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync target of {Queue} showed no sign of life since its last failure: replaying failed message {Id} as a probe")]
    private static partial void LogProbing(ILogger logger, string queue, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replaying failed messages after a sync target outage failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
