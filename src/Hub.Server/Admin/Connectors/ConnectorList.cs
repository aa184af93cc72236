using Hub.Contracts.Connectors;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Outbound;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Microsoft.EntityFrameworkCore;
using Polly.CircuitBreaker;

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
    int FailedMessages,
    string? BreakerState,
    SyncQueueState? SyncQueue,
    bool SecretsUndecryptable = false)
{
    /// <summary>The connector's descriptor, when installed.</summary>
    public ConnectorDescriptor? Descriptor { get; init; }

    /// <summary>The options the webhook URL carries, secrets masked (<see cref="WebhookUrls.Masked"/>).</summary>
    public IReadOnlyDictionary<string, string?> WebhookUrlValues { get; init; } = new Dictionary<string, string?>();
}

/// <summary>
/// The connector list with each instance's status, from data the hub already keeps: the timeline (last event received,
/// events per minute over the last <see cref="RateWindow"/>), the failed messages of its sync queue, and for a sync target
/// the circuit breaker of the address it calls, and whether this process consumes its sync queue; for a stored instance,
/// whether the last reload found its secrets undecryptable (then it does not run).
/// </summary>
public sealed class ConnectorList(
    ConnectorInstances instances, StoredConnectorInstances stored, HubDbContext db, TimeProvider time, CircuitBreakerStates breakers, SyncQueueConsumers consumers)
{
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(5);

    public async Task<IReadOnlyList<ConnectorListItem>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<(string Id, string Kind, bool Configured, bool Enabled, IConnector? Connector, ConnectorInstance? Running, bool Undecryptable, IReadOnlyDictionary<string, string?> UrlValues)>();
        IReadOnlyDictionary<string, string?> UrlValues(IConnector? connector, Func<string, string?> value) =>
            connector is null ? new Dictionary<string, string?>() : WebhookUrls.Masked(connector.Descriptor, value);
        foreach (var instance in instances.All.Where(i => instances.IsConfigured(i.Id)))
        {
            instances.TryGet(instance.Id, out _, out var connector);
            entries.Add((instance.Id, instance.Kind, true, true, connector, instance, false, UrlValues(connector, instance.Settings.Get)));
        }
        foreach (var row in await stored.ListAsync(cancellationToken))
        {
            if (instances.IsConfigured(row.Id))
            {
                continue;
            }
            instances.Connectors.TryGetValue(row.Kind, out var connector);
            var running = instances.TryGet(row.Id, out var instance, out _) ? instance : null;
            var visible = connector is null ? new Dictionary<string, string>() : stored.VisibleSettings(row, connector);
            var set = StoredConnectorInstances.SetOptionNames(row);
            // A secret's value stays in the store: "set" only says it is there, and Masked shows a placeholder for it.
            entries.Add((row.Id, row.Kind, false, row.Enabled, connector, running, row.Enabled && running is null && stored.HasUndecryptableSecrets(row.Id),
                UrlValues(connector, option => visible.TryGetValue(option, out var value) ? value : set.Contains(option) ? "set" : null)));
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
        return [.. entries.OrderBy(e => e.Id, StringComparer.OrdinalIgnoreCase).Select(e =>
        {
            var isTarget = e.Connector is not null && e.Running is not null && SyncEndpoints.IsTarget(e.Connector, e.Running);
            return new ConnectorListItem(
                e.Id, e.Kind, e.Connector?.Descriptor.DisplayName ?? e.Kind, e.Configured, e.Enabled,
                WebhookUrls.AreReceivedBy(e.Connector),
                isTarget,
                last.TryGetValue(e.Id, out var at) ? at : null,
                recent.GetValueOrDefault(e.Id) / RateWindow.TotalMinutes,
                failed.GetValueOrDefault(SyncEndpoints.For(e.Id)),
                isTarget ? BreakerStateOf(e.Running!) : null,
                isTarget ? consumers.StateOf(e.Id) : null,
                e.Undecryptable)
            {
                Descriptor = e.Connector?.Descriptor,
                WebhookUrlValues = e.UrlValues,
            };
        })];
    }

    /// <summary>
    /// The breaker state of the addresses the instance's settings point at (its http(s) URLs, several in one setting too); of several, the least
    /// healthy. Null when the hub has not called any of them yet (it keeps breaker state only in memory).
    /// </summary>
    private string? BreakerStateOf(ConnectorInstance instance)
    {
        var states = instance.Settings.Keys
            .Select(instance.Settings.Get)
            // A remote instance lists its replicas in one setting, separated by spaces or commas.
            .SelectMany(value => (value ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
            .Select(value => Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri : null)
            .OfType<Uri>()
            .Select(breakers.StateOf)
            .OfType<CircuitState>()
            .ToList();
        return states.Count == 0 ? null : Name(states.MaxBy(Severity));
    }

    private static int Severity(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        _ => 2,
    };

    private static string Name(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half-open",
        CircuitState.Open => "open",
        _ => "isolated",
    };
}
