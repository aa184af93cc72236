using System.Diagnostics;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.RelationshipHealth;
using Hub.Infrastructure.Telemetry;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Applies a group of touchpoints in one transaction: identity resolution, master records, timelines,
/// and the events announcing the changes (outbox). A conflicting concurrent write (another process
/// touched the same customer or identifier) fails the transaction, and the touchpoints are retried.
/// </summary>
internal sealed partial class ResolutionCommit(
    HubDbContext db,
    IdentityRules rules,
    SurvivorshipRules survivorship,
    OutboxHandover outbox,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<ResolutionCommit> logger,
    RelationshipHealthOptions healthOptions,
    IngressBufferSweeper? ingressBufferSweeper = null)
{
    /// <summary>Commits distinct <paramref name="touchpoints"/>; <paramref name="consumeSpans"/> are their messages' consume spans, where there are any.</summary>
    public async Task CommitAsync(IReadOnlyList<TouchpointReceived> touchpoints, IReadOnlyList<ActivityContext> consumeSpans, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        // The commit and the outbox rows it writes continue the first touchpoint's trace and link the others'.
        var parent = consumeSpans.Count > 0 ? consumeSpans[0] : default;
        using var activity = HubTelemetry.ActivitySource.StartActivity(
            "resolution commit", ActivityKind.Internal, parent, links: [.. consumeSpans.Skip(1).Select(c => new ActivityLink(c))]);
        activity?.SetTag("hub.touchpoints", touchpoints.Count);

        // A failed SaveChanges fails the whole group, so the savepoint EF would set around each one (two round trips
        // and a PostgreSQL subtransaction each time) buys nothing here.
        db.Database.AutoSavepointsEnabled = false;
        await using var pageCache = await SqliteGroupPageCache.WidenAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginCustomerGraphTransactionAsync(cancellationToken);
        var changes = await new TouchpointResolver(db, rules, survivorship, time, healthOptions).ResolveAsync(touchpoints, cancellationToken);
        var claim = outbox.NewClaim();
        var appended = await ResolutionEvents.WriteAsync(db, changes, time.GetUtcNow(), claim, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (claim is not null)
        {
            outbox.HandOver(claim, appended.Outbox, appended.OutboxIds);
        }
        // After the commit, not in it: on SQLite the buffer is another file (see IngressBufferSweeper).
        ingressBufferSweeper?.Applied(touchpoints.Select(t => t.TouchpointId));
        Report(touchpoints, changes, appended.Timeline);
    }

    private void Report(IReadOnlyList<TouchpointReceived> touchpoints, ResolutionChanges changes, List<TimelineEntryRow> appended)
    {
        var committedAt = time.GetUtcNow();
        foreach (var links in changes.ReplayedLinks)
        {
            metrics.ComponentReplayed(links);
        }
        var added = new HashSet<Guid>(changes.NewTouchpointIds);
        var customers = appended.ToDictionary(e => e.TouchpointId, e => e.CustomerId);
        foreach (var touchpoint in touchpoints.Where(t => added.Contains(t.TouchpointId)))
        {
            metrics.TouchpointResolved(committedAt - touchpoint.ReceivedAt);
            LogResolved(logger, touchpoint.TouchpointId, touchpoint.ConnectorInstanceId, customers.GetValueOrDefault(touchpoint.TouchpointId));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Touchpoint {TouchpointId} of {ConnectorInstanceId} is on the timeline of customer {CustomerId}")]
    private static partial void LogResolved(ILogger logger, Guid touchpointId, string connectorInstanceId, Guid? customerId);
}
