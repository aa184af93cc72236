using System.Text.Json;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// What each sync target already has of each customer (<c>sync_checkpoints</c>), and the checks every push of a
/// customer change passes first, one change or a batch of them: versions the target received already are skipped,
/// and so are changes the target caused itself (recorded as delivered, never sent back). After the push, the
/// delivered versions and record ids are recorded and the identifiers the target reported are linked.
/// </summary>
internal sealed partial class SyncCheckpoints(
    HubDbContext db, ExternalIdentifierLinks links, HubMetrics metrics, TimeProvider time, ILogger<SyncCheckpoints> logger)
{
    /// <summary>
    /// Per customer, the newest of its changes the target does not have yet: each carries the whole master
    /// record, so older versions in the same batch need no call of their own. A customer whose pending changes
    /// all came from the target itself is not pushed. The newest stands for the older ones, so it names every
    /// field they changed, and a source only when they all share it (see <see cref="Folded"/>).
    /// </summary>
    public async Task<SyncPlan> PlanAsync(ConnectorInstance instance, IReadOnlyCollection<CustomerUpdated> changes, CancellationToken cancellationToken)
    {
        var ids = changes.Select(c => c.CustomerId).Distinct().ToList();
        var delivered = await db.SyncCheckpoints.AsNoTracking()
            .Where(c => c.ConnectorInstanceId == instance.Id && ids.Contains(c.CustomerId))
            .ToDictionaryAsync(c => c.CustomerId, c => c.DeliveredVersion, cancellationToken);
        var push = new List<CustomerUpdated>();
        var own = new List<CustomerUpdated>();
        var merges = new List<CustomerUpdated>();
        foreach (var customer in changes.GroupBy(c => c.CustomerId))
        {
            var pending = customer.Where(c => c.Version > delivered.GetValueOrDefault(customer.Key)).ToList();
            if (pending.Count > 0)
            {
                var newest = pending.Count == 1 ? pending[0] : Folded(pending.MaxBy(c => c.Version)!, pending);
                // A merge is announced even when the target caused the change: its system cannot know the hub merged.
                if (newest.MergedCustomerIds.Count > 0)
                {
                    merges.Add(newest);
                }
                if (pending.TrueForAll(c => CausedBy(c, instance)))
                {
                    own.Add(newest);
                }
                else
                {
                    push.Add(newest);
                }
            }
        }
        // A merged customer's own change queued beside its merge would make the record the target is about to merge away;
        // not so the change that restores it after a split (it names the customer it was split off).
        var merged = merges.SelectMany(m => m.MergedCustomerIds).ToHashSet();
        merged.ExceptWith(push.Where(c => c.SplitFromCustomerId is not null).Select(c => c.CustomerId));
        own.AddRange(push.Where(c => merged.Contains(c.CustomerId)));
        push.RemoveAll(c => merged.Contains(c.CustomerId));
        return new SyncPlan(push, own, merges);
    }

    /// <summary>
    /// The newest change as the sum of <paramref name="pending"/>. Left with its own source, a newest change the target
    /// caused (its echo of an older change from elsewhere, say) would make the target skip it as its own echo, and with
    /// it the other sources' changes it stands for.
    /// </summary>
    private static CustomerUpdated Folded(CustomerUpdated newest, List<CustomerUpdated> pending)
    {
        var sources = pending.Select(c => c.SourceConnectorInstanceId).Distinct(StringComparer.OrdinalIgnoreCase).Take(2).ToList();
        return newest with
        {
            ChangedFields = [.. pending.SelectMany(c => c.ChangedFields).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            SourceConnectorInstanceId = sources.Count == 1 ? sources[0] : null,
            MergedCustomerIds = [.. pending.SelectMany(c => c.MergedCustomerIds).Distinct().Order()],
            SplitOffCustomerIds = [.. pending.SelectMany(c => c.SplitOffCustomerIds).Distinct().Order()],
            SplitFromCustomerId = pending.OrderByDescending(c => c.Version).Select(c => c.SplitFromCustomerId).FirstOrDefault(id => id is not null),
        };
    }

    /// <summary>
    /// What a merge tells one target about each merged customer: its record id there (from its checkpoint) and the
    /// record-id identifiers it held when it was merged (from the merge history).
    /// </summary>
    public async Task<IReadOnlyList<MergedCustomer>> MergedCustomersAsync(string instanceId, IReadOnlyList<Guid> mergedIds, CancellationToken cancellationToken)
    {
        var recordIds = await db.SyncCheckpoints.AsNoTracking()
            .Where(c => c.ConnectorInstanceId == instanceId && mergedIds.Contains(c.CustomerId))
            .ToDictionaryAsync(c => c.CustomerId, c => c.ExternalRecordId, cancellationToken);
        var merges = await db.CustomerMerges.AsNoTracking()
            .Where(m => m.Kind == "merge" && m.UndoneAt == null && mergedIds.Contains(m.MergedId))
            .Select(m => new { m.MergedId, m.MergedIdentifiers }).ToListAsync(cancellationToken);
        return [.. mergedIds.Select(id => new MergedCustomer
        {
            CustomerId = id,
            ExternalRecordId = recordIds.GetValueOrDefault(id),
            ExternalIdentifiers = [.. merges.Where(m => m.MergedId == id)
                .SelectMany(m => JsonSerializer.Deserialize<List<CustomerIdentifier>>(m.MergedIdentifiers, JsonSerializerOptions.Web) ?? [])
                .Where(i => i.Type.Contains(':', StringComparison.Ordinal))
                .Distinct().OrderBy(i => i.Type, StringComparer.Ordinal).ThenBy(i => i.Value, StringComparer.Ordinal)],
        })];
    }

    /// <summary>
    /// Once a target took a merge, the merged customers' checkpoints there no longer hold a record id (the target merged or
    /// deleted those records) and stand at the merged customers' last versions, so a stale change of theirs still queued
    /// is not pushed and does not bring the record back. A split later restores a customer with a newer version, which is
    /// pushed as a new record. A customer split off again before the target took the merge (it was down meanwhile) is
    /// not merged any more: its checkpoint keeps its version, so its versions since the split are still pushed.
    /// </summary>
    public async Task RetireMergedAsync(string instanceId, IReadOnlyList<Guid> mergedIds, CancellationToken cancellationToken)
    {
        var versions = await db.Customers.AsNoTracking().Where(c => mergedIds.Contains(c.Id) && c.MergedIntoId != null)
            .ToDictionaryAsync(c => c.Id, c => c.Version, cancellationToken);
        await RecordAsync(instanceId, [.. versions.Select(v => new SyncDelivery(v.Key, v.Value, null))], cancellationToken);
        await db.SyncCheckpoints.Where(c => c.ConnectorInstanceId == instanceId && mergedIds.Contains(c.CustomerId) && c.DeliveredVersion != ErasedVersion)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ExternalRecordId, (string?)null), cancellationToken);
    }

    /// <summary>Links, logs and records the outcome of a plan; <paramref name="results"/> are in the order of <see cref="SyncPlan.ToPush"/>.</summary>
    public async Task CompleteAsync(ConnectorInstance instance, SyncPlan plan, IReadOnlyList<SyncResult> results, CancellationToken cancellationToken)
    {
        if (results.Count != plan.ToPush.Count)
        {
            throw new InvalidOperationException($"Sync target '{instance.Id}' returned {results.Count} results for {plan.ToPush.Count} changes.");
        }
        var pushed = plan.ToPush.Zip(results).ToList();
        foreach (var (change, result) in pushed.Where(p => !p.Second.Delivered))
        {
            LogRefused(logger, instance.Id, change.CustomerId, change.Version, result.Detail);
        }
        var delivered = pushed.Where(p => p.Second.Delivered).ToList();
        foreach (var (change, _) in delivered)
        {
            LogDelivered(logger, instance.Id, change.CustomerId, change.Version);
        }
        metrics.SyncCompleted(instance.Id, "delivered", delivered.Count);
        metrics.SyncCompleted(instance.Id, "refused", pushed.Count - delivered.Count);
        await links.LinkAsync(instance, [.. delivered.Select(p => new ExternalIdentifierLink(p.First.Customer, p.Second, p.First.OccurredAt))], cancellationToken);
        await RecordAsync(instance.Id, [
            .. plan.OwnChanges.Select(c => new SyncDelivery(c.CustomerId, c.Version, null)),
            .. delivered.Select(p => new SyncDelivery(p.First.CustomerId, p.First.Version, p.Second.ExternalRecordId)),
            .. pushed.Where(p => !p.Second.Delivered).Select(p => new SyncDelivery(p.First.CustomerId, p.First.Version, null, p.Second.Detail))], cancellationToken);
    }

    /// <summary>The delivered version of an erased customer: no version of theirs is ever pushed again.</summary>
    public const long ErasedVersion = long.MaxValue;

    /// <summary>Whether the customer was erased (for this target), and their record id in the target as last recorded (null when none is known).</summary>
    public async Task<(bool Erased, string? ExternalRecordId)> TouchpointStateAsync(string instanceId, Guid customerId, CancellationToken cancellationToken)
    {
        var row = await db.SyncCheckpoints.AsNoTracking().Where(c => c.ConnectorInstanceId == instanceId && c.CustomerId == customerId)
            .Select(c => new { c.DeliveredVersion, c.ExternalRecordId }).FirstOrDefaultAsync(cancellationToken);
        return (row?.DeliveredVersion == ErasedVersion, row?.ExternalRecordId);
    }

    /// <summary>Records deliveries (a version never goes back; a null record id keeps the known one) and saves.</summary>
    public async Task RecordAsync(string instanceId, IReadOnlyCollection<SyncDelivery> deliveries, CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0)
        {
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            // Each attempt starts from the database: a target's touchpoints are consumed beside its changes, so the other
            // consumer may insert the customer's first checkpoint between this read and the save. Retried here, not by the
            // message retry, which would push the whole batch to the target again.
            db.ChangeTracker.Clear();
            try
            {
                await ApplyAsync(instanceId, deliveries, cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 3 && !cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task ApplyAsync(string instanceId, IReadOnlyCollection<SyncDelivery> deliveries, CancellationToken cancellationToken)
    {
        var ids = deliveries.Select(d => d.CustomerId).Distinct().ToList();
        var rows = await db.SyncCheckpoints.Where(c => c.ConnectorInstanceId == instanceId && ids.Contains(c.CustomerId))
            .ToDictionaryAsync(c => c.CustomerId, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var delivery in deliveries)
        {
            if (!rows.TryGetValue(delivery.CustomerId, out var row))
            {
                row = new SyncCheckpointRow { ConnectorInstanceId = instanceId, CustomerId = delivery.CustomerId };
                db.SyncCheckpoints.Add(row);
                rows[delivery.CustomerId] = row;
            }
            row.UpdatedAt = now;
            if (delivery.Failure is not null)
            {
                row.LastError = delivery.Failure;
                row.FailedVersion = delivery.Version;
                row.LastErrorAt = now;
                continue;
            }
            row.DeliveredVersion = Math.Max(row.DeliveredVersion, delivery.Version);
            row.ExternalRecordId = delivery.ExternalRecordId ?? row.ExternalRecordId;
            if (row.FailedVersion <= row.DeliveredVersion)
            {
                row.LastError = null;
                row.FailedVersion = null;
                row.LastErrorAt = null;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private static bool CausedBy(CustomerUpdated change, ConnectorInstance instance) =>
        string.Equals(change.SourceConnectorInstanceId, instance.Id, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync target {InstanceId} has customer {CustomerId} v{Version}")]
    private static partial void LogDelivered(ILogger logger, string instanceId, Guid customerId, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync target {InstanceId} refused customer {CustomerId} v{Version}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string instanceId, Guid customerId, long version, string detail);
}

/// <summary>
/// The changes to push to one target, those it caused itself (recorded, not pushed), and of either the changes that
/// merged customers into theirs (announced to an <see cref="IMergeSyncTarget"/> first).
/// </summary>
internal sealed record SyncPlan(IReadOnlyList<CustomerUpdated> ToPush, IReadOnlyList<CustomerUpdated> OwnChanges, IReadOnlyList<CustomerUpdated> Merges);

/// <summary>
/// A customer version a target has now, and its record id there when known (version 0 records only the id);
/// or, with <paramref name="Failure"/>, a version the target refused and why.
/// </summary>
internal readonly record struct SyncDelivery(Guid CustomerId, long Version, string? ExternalRecordId, string? Failure = null);
