using System.Text.Json;
using System.Threading.Channels;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Ingress;

/// <summary>
/// Embedded mode: the in-memory bus forgets on a crash, so touchpoints are committed to the database
/// before the answer (<see cref="IngressBufferDbContext"/>: on SQLite a file of its own, so these writes never wait
/// for a resolution transaction). SQLite has one writer per file, so the requests waiting at a moment are written
/// together in one transaction (group commit) by a single loop, instead of each request queueing for the write
/// lock; every request is answered once its own rows are committed. The committed touchpoints then go
/// straight to the in-memory bus while it has room (<see cref="IngressBacklog.MaxOnBus"/>); otherwise they wait on disk
/// for <see cref="IngressBufferPump"/>, which also publishes again whatever was not applied in time (a crash, a
/// failure), so nothing answered is lost and a burst does not pile up in memory. A write or publish that keeps failing
/// (a full disk, a stopped bus) is logged through <see cref="OutageLog"/>: in full once, then summarised.
/// </summary>
internal sealed partial class BufferedTouchpointIngress(
    IServiceScopeFactory scopes,
    IBus bus,
    IngressBacklog backlog,
    IngressOptions options,
    TimeProvider time,
    ILogger<BufferedTouchpointIngress> logger) : BackgroundService, ITouchpointIngress
{
    /// <summary>Touchpoints per transaction at most; more waiting requests go into the next one.</summary>
    public const int MaxTouchpointsPerCommit = 500;

    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly OutageLog _writeOutage = new(logger, "Buffering touchpoints", time);
    private readonly OutageLog _publishOutage = new(logger, "Publishing buffered touchpoints", time);

    public async Task AcceptAsync(IReadOnlyList<TouchpointReceived> touchpoints, CancellationToken cancellationToken)
    {
        if (touchpoints.Count == 0)
        {
            return;
        }
        if (backlog.Waiting >= options.BufferLimit)
        {
            throw new IngressUnavailableException(
                $"The hub is behind: about {backlog.Waiting} touchpoints wait to be applied ({IngressOptions.Section}:{nameof(IngressOptions.BufferLimit)} is {options.BufferLimit}).");
        }
        var rows = touchpoints.DistinctBy(t => t.TouchpointId).Select(t => (Touchpoint: t, Body: JsonSerializer.Serialize(t, JsonSerializerOptions.Web))).ToList();
        var write = new PendingWrite(rows);
        if (!_pending.Writer.TryWrite(write))
        {
            throw new IngressUnavailableException("The hub is shutting down.");
        }
        // A caller that gives up still gets its touchpoints written: it was never answered, so a retry is deduplicated.
        await write.Committed.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _pending.Reader;
        var group = new List<PendingWrite>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                group.Clear();
                var count = 0;
                while (count < MaxTouchpointsPerCommit && reader.TryRead(out var write))
                {
                    group.Add(write);
                    count += write.Rows.Count;
                }
                await CommitAsync(group, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The web server stopped before this service: whatever is still queued was never answered.
        }
        _pending.Writer.TryComplete();
        while (reader.TryRead(out var left))
        {
            left.Committed.TrySetException(new IngressUnavailableException("The hub is shutting down."));
        }
    }

    private async Task CommitAsync(List<PendingWrite> group, CancellationToken cancellationToken)
    {
        List<TouchpointReceived> written;
        bool publish;
        try
        {
            (written, publish) = await WriteAsync(group, cancellationToken);
        }
        catch (Exception e)
        {
            _writeOutage.Failed(e, (log, exception) => LogWriteFailed(log, group.Sum(g => g.Rows.Count), exception));
            var unavailable = new IngressUnavailableException("The embedded store could not take the touchpoints.", e);
            foreach (var write in group)
            {
                write.Committed.TrySetException(unavailable);
            }
            return;
        }
        _writeOutage.Succeeded();
        backlog.Added(written.Count);
        foreach (var write in group)
        {
            write.Committed.TrySetResult();
        }
        if (!publish)
        {
            return;
        }
        try
        {
            await bus.PublishBatch(TouchpointGroups.Of(written), cancellationToken);
            _publishOutage.Succeeded();
        }
        catch (Exception e)
        {
            // Committed rows are safe: the pump publishes them once their redelivery time has come.
            _publishOutage.Failed(e, (log, exception) => LogPublishFailed(log, written.Count, exception));
        }
    }

    /// <summary>Commits the new touchpoints of the group; <c>Publish</c> says whether they go to the bus now or wait for the pump.</summary>
    private async Task<(List<TouchpointReceived> Written, bool Publish)> WriteAsync(List<PendingWrite> group, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>();
        var candidates = group.SelectMany(g => g.Rows).DistinctBy(r => r.Touchpoint.TouchpointId).ToList();
        var ids = candidates.Select(r => r.Touchpoint.TouchpointId).ToList();
        // Only this loop writes the buffer, so what is not there now cannot appear before the commit.
        var buffered = (await db.IngressBuffer.Where(b => ids.Contains(b.TouchpointId)).Select(b => b.TouchpointId).ToListAsync(cancellationToken)).ToHashSet();
        var fresh = candidates.Where(r => !buffered.Contains(r.Touchpoint.TouchpointId)).ToList();
        if (fresh.Count == 0)
        {
            return ([], false);
        }
        var now = time.GetUtcNow();
        var publish = backlog.TryReserveForNew(fresh.Count);
        foreach (var (touchpoint, body) in fresh)
        {
            db.IngressBuffer.Add(new IngressBufferRow
            {
                TouchpointId = touchpoint.TouchpointId,
                Body = body,
                ReceivedAt = touchpoint.ReceivedAt,
                // Published right after the commit, the pump takes it again only if it is still here by then; one that
                // waits for room on the bus is due for the pump at once.
                NextAttemptAt = publish ? now + IngressBufferPump.RedeliveryDelay : now,
                Attempts = publish ? 1 : 0,
            });
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch when (publish)
        {
            backlog.Release(fresh.Count);
            throw;
        }
        if (!publish)
        {
            backlog.Parked(fresh.Count);
        }
        return ([.. fresh.Select(r => r.Touchpoint)], publish);
    }

    private sealed record PendingWrite(List<(TouchpointReceived Touchpoint, string Body)> Rows)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not buffer {Count} touchpoints; their requests are answered 503")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Count} buffered touchpoints; the ingress buffer pump publishes them later")]
    private static partial void LogPublishFailed(ILogger logger, int count, Exception exception);
}
