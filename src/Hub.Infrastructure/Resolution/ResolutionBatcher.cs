using System.Diagnostics;
using System.Threading.Channels;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Group commit for resolution: one loop per process takes every touchpoint waiting at that moment (up to
/// <see cref="MaxBatchSize"/>) into one transaction. Under load the groups grow by themselves to the full
/// size, because touchpoints pile up while the previous transaction runs; when it is quiet a touchpoint is
/// applied at once, without waiting for a batch to fill or a timer to run out.
/// A group that fails fails each of its touchpoints, which the endpoint retries; a touchpoint that failed
/// <see cref="RetriesBeforeAlone"/> times is applied alone, so one that can never be applied does not
/// keep taking the others down with it. A group that merely lost a race is first run again in the loop
/// (<see cref="LostRaceAttempts"/>).
/// </summary>
internal sealed partial class ResolutionBatcher : IAsyncDisposable
{
    public const int MaxBatchSize = 250;
    public const int RetriesBeforeAlone = 2;

    /// <summary>
    /// A group that lost a race to another process (both wrote the same customer or identifier) runs again here at
    /// once, on a fresh snapshot, before its touchpoints go back to the endpoint's retry: there they would wait out a
    /// backoff, come back one message each and, after <see cref="RetriesBeforeAlone"/> failures, be applied one per
    /// transaction, so two processes on overlapping customers did several times the work of one.
    /// </summary>
    public const int LostRaceAttempts = 3;

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly IServiceScopeFactory _scopes;
    private readonly WriterPause _writerPause;
    private readonly OutageLog _outage;
    private readonly Task _loop;

    public ResolutionBatcher(IServiceScopeFactory scopes, WriterPause writerPause, TimeProvider time, ILogger<ResolutionBatcher> logger)
    {
        _scopes = scopes;
        _writerPause = writerPause;
        _outage = new OutageLog(logger, "Resolution", time);
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Completes once the touchpoint is committed (or was already); throws what its transaction threw.</summary>
    public Task ResolveAsync(TouchpointReceived touchpoint, ActivityContext consumeSpan, bool alone, CancellationToken cancellationToken)
    {
        var pending = new Pending(touchpoint, consumeSpan, alone);
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new OperationCanceledException("The hub is shutting down.");
        }
        // A consumer that gives up leaves its message unacknowledged; committing it anyway is harmless (idempotent).
        return pending.Committed.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        while (_pending.Reader.TryRead(out var left))
        {
            left.Committed.TrySetCanceled();
        }
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var reader = _pending.Reader;
        var group = new List<Pending>(MaxBatchSize);
        while (await reader.WaitToReadAsync(stopping))
        {
            group.Clear();
            while (group.Count < MaxBatchSize && reader.TryRead(out var pending))
            {
                if (pending.Alone)
                {
                    await CommitAsync([pending], stopping);
                    continue;
                }
                group.Add(pending);
            }
            if (group.Count > 0)
            {
                await CommitAsync(group, stopping);
            }
        }
    }

    private async Task CommitAsync(List<Pending> group, CancellationToken stopping)
    {
        var live = group.Where(p => !p.Committed.Task.IsCompleted).ToList();
        try
        {
            var touchpoints = live.DistinctBy(p => p.Touchpoint.TouchpointId).Select(p => p.Touchpoint).ToList();
            var spans = live.Select(p => p.ConsumeSpan).Where(c => c != default).Distinct().ToList();
            await CustomerGraphTransactions.RetryLostRacesAsync(
                async cancellationToken =>
                {
                    await using var scope = _scopes.CreateAsyncScope();
                    using (await _writerPause.EnterAsync(cancellationToken))
                    {
                        await scope.ServiceProvider.GetRequiredService<ResolutionCommit>().CommitAsync(touchpoints, spans, cancellationToken);
                    }
                    return true;
                },
                stopping,
                LostRaceAttempts);
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                _outage.Failed(e, (log, exception) => LogGroupFailed(log, live.Count, exception));
            }
            foreach (var pending in live)
            {
                pending.Committed.TrySetException(e);
            }
            return;
        }
        _outage.Succeeded();
        foreach (var pending in live)
        {
            pending.Committed.TrySetResult();
        }
    }

    private sealed record Pending(TouchpointReceived Touchpoint, ActivityContext ConsumeSpan, bool Alone)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resolution of {Count} touchpoints failed; each is retried")]
    private static partial void LogGroupFailed(ILogger logger, int count, Exception exception);
}
