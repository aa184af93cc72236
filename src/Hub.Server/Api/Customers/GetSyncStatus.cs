using Hub.Contracts.Connectors;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Customers;

/// <summary>
/// Per connected system (a merged id answers 301 to its survivor's): which version of the customer it has, its record id
/// there, its last refusal, and its <see cref="SyncStatusView.Status"/>. Every sync target that takes changes is listed,
/// also one that never took this customer, so a change stuck on its way (a failed message, say) is not mistaken for
/// "all systems current".
/// </summary>
internal static class GetSyncStatus
{
    public static async Task<IResult> HandleAsync(Guid id, HubDbContext db, ConnectorInstances instances, CancellationToken cancellationToken)
    {
        if (await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) is { } survivor)
        {
            return MergedCustomers.MovedPermanently($"/api/customers/{survivor}/sync");
        }
        var version = await db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => (long?)c.Version).FirstOrDefaultAsync(cancellationToken);
        if (version is not { } current)
        {
            return MergedCustomers.NotFound(id);
        }
        return TypedResults.Ok(await ReadAsync(db, instances, id, current, cancellationToken));
    }

    /// <summary>The customer's status at every sync target and every system holding a checkpoint of it, by instance id.</summary>
    public static async Task<List<SyncStatusView>> ReadAsync(
        HubDbContext db, ConnectorInstances instances, Guid customerId, long currentVersion, CancellationToken cancellationToken)
    {
        var checkpoints = (await db.SyncCheckpoints.AsNoTracking().Where(s => s.CustomerId == customerId).ToListAsync(cancellationToken))
            .ToDictionary(s => s.ConnectorInstanceId, StringComparer.OrdinalIgnoreCase);
        var syncTargets = instances.All
            .Select(i => (Instance: i, Target: instances.TryGet(i.Id, out _, out var connector) ? connector as ISyncTarget : null))
            .Where(t => t.Target is not null)
            .ToLookup(t => t.Target!.TakesChanges(t.Instance), t => t.Instance.Id);
        // Checkpoints of an instance that takes no changes now (its ClientId or TargetUrl removed) say nothing current.
        var takesNone = syncTargets[false].ToHashSet(StringComparer.OrdinalIgnoreCase);
        var systems = syncTargets[true].Concat(checkpoints.Keys.Where(k => !takesNone.Contains(k)))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        // The customer's changes the consumers gave up on, newest first; a group of changes names each of its customers.
        var marker = $"\"customerId\":\"{customerId}\"";
        var queues = systems.Select(SyncEndpoints.For).ToList();
        var failed = await db.FailedMessages.AsNoTracking()
            .Where(f => f.Status == FailedMessageStatus.Failed && queues.Contains(f.Queue) && f.Body.Contains(marker))
            .OrderByDescending(f => f.LastFailedAt).Select(f => new { f.Id, f.Queue, f.ExceptionMessage }).ToListAsync(cancellationToken);
        return [.. systems.Select(system =>
        {
            var checkpoint = checkpoints.GetValueOrDefault(system);
            var delivered = checkpoint?.DeliveredVersion ?? 0;
            var failure = failed.FirstOrDefault(f => f.Queue == SyncEndpoints.For(system));
            var status = delivered >= currentVersion ? SyncStatus.Current
                : failure is not null ? SyncStatus.Failed
                : checkpoint?.FailedVersion >= currentVersion ? SyncStatus.Refused
                : SyncStatus.Pending;
            return new SyncStatusView(
                system, status, delivered, checkpoint?.ExternalRecordId, checkpoint?.UpdatedAt,
                checkpoint?.LastError, checkpoint?.FailedVersion, checkpoint?.LastErrorAt,
                status == SyncStatus.Failed ? failure!.Id : null, status == SyncStatus.Failed ? failure!.ExceptionMessage : null);
        })];
    }
}

/// <summary>Where the customer's current version stands at one system.</summary>
internal static class SyncStatus
{
    /// <summary>The system has the current version (or caused it).</summary>
    public const string Current = "current";

    /// <summary>On its way, or not sent yet: queued, retrying, or waiting for the target.</summary>
    public const string Pending = "pending";

    /// <summary>The target refused the current version for good (a validation error, say): <c>lastError</c> says why.</summary>
    public const string Refused = "refused";

    /// <summary>The hub gave up delivering it: a failed message (<c>failedMessageId</c>, <c>failedMessageReason</c>) to replay.</summary>
    public const string Failed = "failed";
}

/// <param name="ConnectorInstanceId">The system (connector instance).</param>
/// <param name="Status"><c>current</c>, <c>pending</c>, <c>refused</c> or <c>failed</c>: see <see cref="SyncStatus"/>.</param>
/// <param name="DeliveredVersion">The customer's version the system has; 0 when it has none.</param>
/// <param name="ExternalRecordId">The customer's record id there, once known.</param>
/// <param name="UpdatedAt">When the system's checkpoint last changed; null when it never took or refused a change of the customer.</param>
/// <param name="LastError">Why the system last refused a change, until it takes a newer one.</param>
/// <param name="FailedVersion">The version it refused.</param>
/// <param name="LastErrorAt">When it refused it.</param>
/// <param name="FailedMessageId">When <c>failed</c>: the failed message holding the change (replay it under /api/operations/failed-messages).</param>
/// <param name="FailedMessageReason">When <c>failed</c>: that message's reason.</param>
internal sealed record SyncStatusView(
    string ConnectorInstanceId, string Status, long DeliveredVersion, string? ExternalRecordId, DateTimeOffset? UpdatedAt,
    string? LastError, long? FailedVersion, DateTimeOffset? LastErrorAt, long? FailedMessageId, string? FailedMessageReason);
