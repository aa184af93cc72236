using Hub.Contracts.Connectors;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Admin.Connectors;

/// <summary>One row of the connector list: where the instance comes from, whether it runs, and what it did lately.</summary>
public sealed record ConnectorListItem(
    string Id,
    string Kind,
    string DisplayName,
    bool ManagedByConfiguration,
    bool Enabled,
    bool ReceivesWebhooks,
    bool IsSyncTarget,
    DateTimeOffset? LastEventAt,
    double EventsPerMinute,
    int FailedMessages);

/// <summary>
/// The connector list with each instance's status, from data the hub already keeps: the timeline (last event received,
/// events per minute over the last <see cref="RateWindow"/>) and the failed messages of its sync queue.
/// </summary>
public sealed class ConnectorList(ConnectorInstances instances, StoredConnectorInstances stored, HubDbContext db, TimeProvider time)
{
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(5);

    public async Task<IReadOnlyList<ConnectorListItem>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<(string Id, string Kind, bool Configured, bool Enabled, IConnector? Connector, ConnectorInstance? Running)>();
        foreach (var instance in instances.All.Where(i => instances.IsConfigured(i.Id)))
        {
            instances.TryGet(instance.Id, out _, out var connector);
            entries.Add((instance.Id, instance.Kind, true, true, connector, instance));
        }
        foreach (var row in await stored.ListAsync(cancellationToken))
        {
            if (instances.IsConfigured(row.Id))
            {
                continue;
            }
            instances.Connectors.TryGetValue(row.Kind, out var connector);
            var running = instances.TryGet(row.Id, out var instance, out _) ? instance : null;
            entries.Add((row.Id, row.Kind, false, row.Enabled, connector, running));
        }
        var ids = entries.Select(e => e.Id).ToList();
        var since = time.GetUtcNow() - RateWindow;
        var last = await db.Timeline.AsNoTracking().Where(t => ids.Contains(t.ConnectorInstanceId))
            .GroupBy(t => t.ConnectorInstanceId).Select(g => new { Id = g.Key, Last = g.Max(t => t.ReceivedAt) })
            .ToDictionaryAsync(x => x.Id, x => x.Last, cancellationToken);
        var recent = await db.Timeline.AsNoTracking().Where(t => ids.Contains(t.ConnectorInstanceId) && t.ReceivedAt >= since)
            .GroupBy(t => t.ConnectorInstanceId).Select(g => new { Id = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Id, x => x.Count, cancellationToken);
        var queues = ids.Select(SyncEndpoints.For).ToList();
        var failed = await db.FailedMessages.AsNoTracking().Where(f => queues.Contains(f.Queue) && f.Status == FailedMessageStatus.Failed)
            .GroupBy(f => f.Queue).Select(g => new { Queue = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Queue, x => x.Count, cancellationToken);
        return [.. entries.OrderBy(e => e.Id, StringComparer.OrdinalIgnoreCase).Select(e => new ConnectorListItem(
            e.Id, e.Kind, e.Connector?.Descriptor.DisplayName ?? e.Kind, e.Configured, e.Enabled,
            e.Connector is IInboundWebhookHandler,
            e.Connector is not null && e.Running is not null && SyncEndpoints.IsTarget(e.Connector, e.Running),
            last.TryGetValue(e.Id, out var at) ? at : null,
            recent.GetValueOrDefault(e.Id) / RateWindow.TotalMinutes,
            failed.GetValueOrDefault(SyncEndpoints.For(e.Id))))];
    }
}
