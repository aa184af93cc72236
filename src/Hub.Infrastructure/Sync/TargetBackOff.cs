using Hub.Contracts.Connectors;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Honours <see cref="SyncTargetUnavailableException.RetryAfter"/>. MassTransit can only redeliver later with a
/// message scheduler, and this deployment has none (no RabbitMQ delayed-exchange plugin, no Quartz); its message
/// retry waits in memory anyway. So the consumer itself waits for the time the target asked for (or
/// <see cref="DefaultWait"/> when it did not say), holding the message, and calls again. Each target has its own
/// queue, so the wait pauses exactly the target that asked for it.
/// Limits: one wait lasts at most <see cref="MaxWait"/> (a longer request is waited in steps, the target failing
/// fast meanwhile), one delivery waits at most its budget in all (<see cref="SyncOptions.TargetWaitBudgetSeconds"/>, by default
/// <see cref="DefaultBudget"/>); then the exception leaves the consumer,
/// the endpoint's retry policy lets it through, and the message goes to the error queue
/// (<c>hub-sync-&lt;instance&gt;_error</c>) for replay. A process stopped while waiting cancels the wait and leaves the
/// message unacknowledged, so RabbitMQ delivers it again; on the in-memory bus <see cref="InterruptedSyncKeeper"/> puts it
/// back in the outbox.
/// </summary>
internal static class TargetBackOff
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);

    /// <summary>Well below RabbitMQ's consumer timeout (30 minutes), even with the endpoint's other retries.</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(new SyncOptions().TargetWaitBudgetSeconds);

    public static async Task<T> CallAsync<T>(Func<CancellationToken, ValueTask<T>> call, TimeSpan budget, TimeProvider time, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (SyncTargetUnavailableException e) when (waited < budget)
            {
                var wait = e.RetryAfter is { } asked && asked > TimeSpan.Zero ? asked : DefaultWait;
                wait = new[] { wait, MaxWait, budget - waited }.Min();
                await Task.Delay(wait, time, cancellationToken);
                waited += wait;
            }
        }
    }
}
