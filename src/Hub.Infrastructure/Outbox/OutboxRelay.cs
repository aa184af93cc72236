using System.Diagnostics;
using Hub.Contracts.Customers;
using MassTransit;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Outbox;

/// <summary>
/// Publishes committed outbox rows and marks them sent; deletes old sent rows. The rows a resolution group wrote in this
/// process come handed over (<see cref="OutboxHandover"/>), already claimed, with their messages in memory: they are
/// published at once, and all groups waiting at that moment are marked sent with one statement. Every <see cref="OutboxOptions.PollInterval"/> the relay
/// also searches the table for rows no relay holds: written by other code (a split), handed back after a failed
/// publish, or left by a process that died before it published what it had claimed. Several hub processes may run it:
/// a row is claimed with a conditional update (or when written), so each claim has one owner.
/// A crash between publish and mark re-publishes the row: consumers are idempotent.
/// </summary>
/// <remarks>
/// Most searches look for unsent rows from the id after the last one this relay found or was handed, not from the first row. The
/// table keeps sent rows for <see cref="OutboxOptions.SentRetention"/>, and on PostgreSQL each one leaves dead entries
/// in the (SentAt, Id) index until vacuum comes: in the benchmark a search from the start read them all, 64 ms per
/// round. A row can still appear below that point (a transaction that commits after one with higher ids, a claim that
/// expired after its relay died, SQLite reusing ids once the table was emptied), so every
/// <see cref="FullSearchInterval"/> a round searches from the start.
/// </remarks>
internal sealed partial class OutboxRelay(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    OutboxHandover handover,
    OutboxOptions options,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    internal static readonly TimeSpan FullSearchInterval = TimeSpan.FromSeconds(5);

    private DateTimeOffset _nextCleanup;
    private DateTimeOffset _nextSearch;
    private DateTimeOffset _nextFullSearch;
    private long _searchFrom;
    private bool _backOff;
    private readonly OutageLog _outage = new(logger, "Outbox relay", time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        handover.Open();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PublishHandedOverAsync(stoppingToken);
                    var handOverFailed = _backOff;
                    if (_backOff)
                    {
                        _backOff = false;
                        await Task.Delay(options.PollInterval, time, stoppingToken);
                    }
                    if (time.GetUtcNow() >= _nextSearch)
                    {
                        var full = await RelayOnceAsync(stoppingToken) >= options.BatchSize;
                        _nextSearch = full ? time.GetUtcNow() : time.GetUtcNow() + options.PollInterval;
                    }
                    await CleanupIfDueAsync(stoppingToken);
                    if (!handOverFailed)
                    {
                        _outage.Succeeded();
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    _outage.Failed(e, LogRelayFailed);
                    await Task.Delay(options.PollInterval, time, stoppingToken);
                }
                var untilSearch = _nextSearch - time.GetUtcNow();
                if (handover.IsEmpty && untilSearch > TimeSpan.Zero)
                {
                    await signal.WaitAsync(untilSearch, stoppingToken);
                }
            }
        }
        finally
        {
            handover.Close();
            await ReleaseLeftOverAsync();
        }
    }

    /// <summary>
    /// Publishes what this process's resolution groups handed over, and marks it sent: every group waiting at that
    /// moment together, with one statement.
    /// </summary>
    internal async Task<int> PublishHandedOverAsync(CancellationToken cancellationToken)
    {
        var batches = handover.TakeAll();
        if (batches.Count == 0)
        {
            return 0;
        }
        var rows = batches.SelectMany(b => b.Rows).ToList();
        try
        {
            await PublishAllAsync(rows, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await ReleaseAsync(batches, timeout.Token);
            throw;
        }
        catch (Exception e)
        {
            _outage.Failed(e, (log, exception) => LogHandedOverFailed(log, rows.Count, exception));
            await ReleaseAsync(batches, cancellationToken);
            _backOff = true;
            return 0;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var ids = batches.SelectMany(b => b.Ids).ToList();
        var sentAt = time.GetUtcNow();
        await db.Outbox.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, sentAt), cancellationToken);
        foreach (var row in rows)
        {
            metrics.OutboxRowPublished(sentAt - row.CreatedAt);
        }
        // Rows below these that no relay holds are found by the full search.
        _searchFrom = ids.Count > 0 ? Math.Max(_searchFrom, ids.Max() + 1) : _searchFrom;
        return rows.Count;
    }

    /// <summary>Lifts the claim of rows that were handed over but not published, so that the next search takes them.</summary>
    private async Task ReleaseAsync(IReadOnlyList<HandedOver> batches, CancellationToken cancellationToken)
    {
        if (batches.Count == 0)
        {
            return;
        }
        var ids = batches.SelectMany(b => b.Ids).ToList();
        var tokens = batches.Select(b => (Guid?)b.Claim.Token).ToList();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.Outbox
                .Where(m => ids.Contains(m.Id) && m.SentAt == null && tokens.Contains(m.ClaimToken))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimToken, (Guid?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogReleaseFailed(logger, ids.Count, batches.Max(b => b.Claim.Until), e);
        }
    }

    /// <summary>On the way out: rows handed over after the last round are released for the next process's search.</summary>
    private async Task ReleaseLeftOverAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await ReleaseAsync(handover.TakeAll(), timeout.Token);
    }

    internal async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = time.GetUtcNow();
        var from = _searchFrom;
        if (now >= _nextFullSearch)
        {
            from = long.MinValue;
            _nextFullSearch = now + FullSearchInterval;
        }
        var candidates = await db.Outbox
            .Where(m => m.SentAt == null && m.Id >= from && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .OrderBy(m => m.Id).Select(m => m.Id).Take(options.BatchSize)
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return 0;
        }
        _searchFrom = candidates[^1] + 1;
        var token = Guid.NewGuid();
        var until = now + options.ClaimDuration;
        await db.Outbox
            .Where(m => candidates.Contains(m.Id) && m.SentAt == null && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimToken, token).SetProperty(m => m.ClaimedUntil, until), cancellationToken);
        // By key first: the claim token has no index, and the table keeps sent rows for SentRetention (a scan of all of them per batch).
        var claimed = await db.Outbox.AsNoTracking().Where(m => candidates.Contains(m.Id) && m.ClaimToken == token).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        await PublishAllAsync(claimed, cancellationToken);
        var ids = claimed.Select(m => m.Id).ToList();
        var sentAt = time.GetUtcNow();
        await db.Outbox.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, sentAt), cancellationToken);
        foreach (var row in claimed)
        {
            metrics.OutboxRowPublished(sentAt - row.CreatedAt);
        }
        return claimed.Count;
    }

    /// <summary>
    /// Publishes the rows together, so the broker's confirms overlap; consumers order a customer's changes by version.
    /// Customer changes go out as <see cref="CustomerUpdateGroup"/>s of up to <see cref="CustomerUpdateGroup.MaxChanges"/>:
    /// every sync target queue receives each, and per message the broker and the target's consumer cost more than
    /// what the consumer does with one change (docs/performance.md, item 21).
    /// </summary>
    private Task PublishAllAsync(IReadOnlyList<OutboxMessageRow> rows, CancellationToken cancellationToken)
    {
        var publishes = new List<Task>();
        var changes = new List<OutboxMessageRow>();
        foreach (var row in rows)
        {
            if (row.MessageType == nameof(CustomerUpdated))
            {
                changes.Add(row);
            }
            else
            {
                publishes.Add(PublishAsync(row, cancellationToken));
            }
        }
        publishes.AddRange(changes.Chunk(CustomerUpdateGroup.MaxChanges).Select(group => PublishGroupAsync(group, cancellationToken)));
        return Task.WhenAll(publishes);
    }

    /// <summary>Publishes under the trace that wrote the row, so a customer change's sync stays in its touchpoint's trace.</summary>
    private async Task PublishAsync(OutboxMessageRow row, CancellationToken cancellationToken)
    {
        using var activity = HubTelemetry.StartActivity("outbox publish", ActivityKind.Internal, row.TraceParent);
        activity?.SetTag("messaging.message.type", row.MessageType);
        var (message, type) = OutboxMessages.Read(row);
        await bus.Publish(message, type, cancellationToken);
    }

    /// <summary>Publishes under the trace of the group's first change, linked to the traces of the others.</summary>
    private async Task PublishGroupAsync(OutboxMessageRow[] rows, CancellationToken cancellationToken)
    {
        var links = HubTelemetry.ActivitySource.HasListeners()
            ? rows.Skip(1)
                .Select(row => ActivityContext.TryParse(row.TraceParent, null, out var context) ? new ActivityLink(context) : default)
                .Where(link => link.Context != default)
                .ToList()
            : null;
        using var activity = HubTelemetry.StartActivity("outbox publish", ActivityKind.Internal, rows[0].TraceParent, links);
        activity?.SetTag("messaging.message.type", nameof(CustomerUpdateGroup));
        activity?.SetTag("messaging.batch.message_count", rows.Length);
        var group = new CustomerUpdateGroup { Changes = [.. rows.Select(row => (CustomerUpdated)OutboxMessages.Read(row).Message)] };
        await bus.Publish(group, typeof(CustomerUpdateGroup), cancellationToken);
    }

    private async Task CleanupIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextCleanup)
        {
            return;
        }
        _nextCleanup = now + TimeSpan.FromMinutes(1);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var before = now - options.SentRetention;
        await db.Outbox.Where(m => m.SentAt != null && m.SentAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay failed; retrying")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} outbox rows handed over by resolution failed; they are released for the relay's next search")]
    private static partial void LogHandedOverFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing {Count} unpublished outbox rows failed; they are published once their claim lapses at {ClaimedUntil}")]
    private static partial void LogReleaseFailed(ILogger logger, int count, DateTimeOffset claimedUntil, Exception exception);
}
