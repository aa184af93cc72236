using System.Diagnostics;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Messaging;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using Hub.Infrastructure.RelationshipHealth;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Applies a batch of touchpoints in one transaction: identity resolution, master records, timelines,
/// and the events announcing the changes (outbox). A conflicting concurrent write (another process
/// touched the same customer or identifier) fails the transaction, and the batch is retried.
/// </summary>
internal sealed partial class ResolutionConsumer(
    HubDbContext db,
    IdentityRules rules,
    SurvivorshipRules survivorship,
    BusOptions bus,
    OutboxSignal outboxSignal,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<ResolutionConsumer> logger,
    RelationshipHealthOptions healthOptions)
    : IConsumer<Batch<TouchpointReceived>>
{
    public async Task Consume(ConsumeContext<Batch<TouchpointReceived>> context)
    {
        var cancellationToken = context.CancellationToken;
        db.ChangeTracker.Clear();
        var touchpoints = context.Message.Select(m => m.Message).DistinctBy(t => t.TouchpointId).ToList();
        // The commit and the outbox rows it writes continue the first touchpoint's trace and link the others'.
        var traces = context.Message.Select(m => m.Headers.Get<string>(MessageTraceHeader)).OfType<string>().Distinct().ToList();
        using var activity = HubTelemetry.StartActivity("resolution commit", ActivityKind.Internal, Parent(traces.FirstOrDefault()), Links(traces.Skip(1)));
        activity?.SetTag("hub.touchpoints", touchpoints.Count);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changes = await new TouchpointResolver(db, rules, survivorship, time, healthOptions).ResolveAsync(touchpoints, cancellationToken);
        await ResolutionEvents.WriteAsync(db, changes, time.GetUtcNow(), cancellationToken);
        if (bus.Transport == BusTransport.InMemory)
        {
            var ids = touchpoints.Select(t => t.TouchpointId).ToList();
            await db.IngressBuffer.Where(b => ids.Contains(b.TouchpointId)).ExecuteDeleteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
        Report(touchpoints, changes);
    }

    /// <summary>MassTransit's trace context header (the W3C id of the publishing span).</summary>
    private const string MessageTraceHeader = "MT-Activity-Id";

    /// <summary>The consume span when it belongs to the first touchpoint's trace (a batch of one), else that touchpoint's publish span.</summary>
    private static string? Parent(string? firstTouchpoint) =>
        Activity.Current is { } consume && (firstTouchpoint is null
            || (ActivityContext.TryParse(firstTouchpoint, null, out var published) && published.TraceId == consume.TraceId))
            ? HubTelemetry.CurrentTraceParent()
            : firstTouchpoint;

    private static List<ActivityLink> Links(IEnumerable<string> traces) =>
        [.. traces.Select(t => ActivityContext.TryParse(t, null, out var c) ? new ActivityLink(c) : default).Where(l => l.Context != default)];

    private void Report(List<TouchpointReceived> touchpoints, ResolutionChanges changes)
    {
        var committedAt = time.GetUtcNow();
        var added = new HashSet<Guid>(changes.NewTouchpointIds);
        var customers = db.ChangeTracker.Entries<TimelineEntryRow>()
            .Where(e => added.Contains(e.Entity.TouchpointId))
            .ToDictionary(e => e.Entity.TouchpointId, e => e.Entity.CustomerId);
        foreach (var touchpoint in touchpoints.Where(t => added.Contains(t.TouchpointId)))
        {
            metrics.TouchpointResolved(committedAt - touchpoint.ReceivedAt);
            LogResolved(logger, touchpoint.TouchpointId, touchpoint.ConnectorInstanceId, customers.GetValueOrDefault(touchpoint.TouchpointId));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Touchpoint {TouchpointId} of {ConnectorInstanceId} is on the timeline of customer {CustomerId}")]
    private static partial void LogResolved(ILogger logger, Guid touchpointId, string connectorInstanceId, Guid? customerId);
}
