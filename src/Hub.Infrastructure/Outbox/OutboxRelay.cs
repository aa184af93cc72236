using System.Diagnostics;
using MassTransit;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Outbox;

/// <summary>
/// Publishes committed outbox rows a batch at a time and marks them sent; deletes old sent rows. Several hub
/// processes may run it: a row is claimed with a conditional update, so each claim has one owner.
/// A crash between publish and mark re-publishes the row: consumers are idempotent.
/// </summary>
/// <remarks>
/// Most rounds look for unsent rows from the id after the last one this relay found, not from the first row. The
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
    OutboxOptions options,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    internal static readonly TimeSpan FullSearchInterval = TimeSpan.FromSeconds(5);

    private DateTimeOffset _nextCleanup;
    private DateTimeOffset _nextFullSearch;
    private long _searchFrom;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int published;
            try
            {
                published = await RelayOnceAsync(stoppingToken);
                await CleanupIfDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(logger, e);
                published = 0;
                await Task.Delay(options.PollInterval, time, stoppingToken);
            }
            if (published < options.BatchSize)
            {
                await signal.WaitAsync(options.PollInterval, stoppingToken);
            }
        }
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
        // Published together, so the broker's confirms overlap; consumers order a customer's changes by version.
        await Task.WhenAll(claimed.Select(row => PublishAsync(row, cancellationToken)));
        var ids = claimed.Select(m => m.Id).ToList();
        var sentAt = time.GetUtcNow();
        await db.Outbox.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, sentAt), cancellationToken);
        foreach (var row in claimed)
        {
            metrics.OutboxRowPublished(sentAt - row.CreatedAt);
        }
        return claimed.Count;
    }

    /// <summary>Publishes under the trace that wrote the row, so a customer change's sync stays in its touchpoint's trace.</summary>
    private async Task PublishAsync(OutboxMessageRow row, CancellationToken cancellationToken)
    {
        using var activity = HubTelemetry.StartActivity("outbox publish", ActivityKind.Internal, row.TraceParent);
        activity?.SetTag("messaging.message.type", row.MessageType);
        var (message, type) = OutboxMessages.Read(row);
        await bus.Publish(message, type, cancellationToken);
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
}
