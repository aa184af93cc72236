using System.Text.Encodings.Web;
using System.Text.Json;
using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Erasure;

/// <summary>
/// Removes a customer's personal data from the hub in one transaction: identifiers, fields and their observations,
/// the timeline, the identity graph's links, merges, conflicts, separations and duplicate dismissals that name them, outbox messages,
/// ingress buffer rows and failed messages that mention them. What stays: the erasure request (who asked and when),
/// one tombstone hash per identifier, a row per connected system to erase them from, and the sync checkpoints
/// frozen at the highest version, so a change already on its way to a system is never delivered. Each customer merged
/// into the erased one gets an erasure request of its own (<see cref="ErasureRequestRow.SurvivorRequestId"/>), so every
/// system is told about each id it may hold a record for, with that customer's own record id there.
/// </summary>
public sealed partial class CustomerEraser(
    HubDbContext db, IngressBufferDbContext ingressBuffer, ConnectorInstances instances, ErasureSignal signal, TimeProvider time, ILogger<CustomerEraser> logger)
{
    private static readonly string[] GroupTypes = [nameof(CustomerUpdateGroup), nameof(TouchpointGroup)];

    /// <summary>The erasure, or null when there is no such (unmerged) customer.</summary>
    public async Task<ErasureRequestRow?> EraseAsync(Guid customerId, string actor, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginCustomerGraphTransactionAsync(cancellationToken);
        var customer = await db.Customers.AsNoTracking().Include(c => c.Identifiers)
            .FirstOrDefaultAsync(c => c.Id == customerId && c.MergedIntoId == null, cancellationToken);
        if (customer is null)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var customerIds = await db.Customers.Where(c => c.MergedIntoId == customerId).Select(c => (Guid?)c.Id).ToListAsync(cancellationToken);
        customerIds.Add(customerId);
        var touchpointIds = await db.Timeline.Where(t => customerIds.Contains(t.CustomerId)).Select(t => t.TouchpointId).ToListAsync(cancellationToken);
        var identifiers = await IdentifiersAsync(customer, customerIds, touchpointIds, cancellationToken);
        var values = identifiers.Select(i => i.Value).Distinct().ToList();

        var request = new ErasureRequestRow
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customerId,
            RequestedBy = actor,
            RequestedAt = now,
            ErasedIdentifiers = identifiers.Count,
        };
        db.ErasureRequests.Add(request);
        var ids = customerIds.OfType<Guid>().ToList();
        var recordIds = await db.SyncCheckpoints.Where(c => ids.Contains(c.CustomerId)).ToListAsync(cancellationToken);
        AddTargets(request, identifiers, recordIds, now);
        foreach (var (mergedId, held) in await MergedIdentifiersAsync(ids.Where(id => id != customerId).ToList(), cancellationToken))
        {
            var merged = new ErasureRequestRow
            {
                Id = Guid.CreateVersion7(now),
                CustomerId = mergedId,
                SurvivorRequestId = request.Id,
                RequestedBy = actor,
                RequestedAt = now,
                ErasedIdentifiers = held.Count,
            };
            db.ErasureRequests.Add(merged);
            AddTargets(merged, held, recordIds, now);
        }
        await AddTombstonesAsync(request, [.. identifiers.Select(TombstoneHash.Of), .. touchpointIds.Select(TombstoneHash.Of)], now, cancellationToken);
        await FreezeSyncCheckpointsAsync(ids, now, cancellationToken);

        await db.CustomerIdentifiers.Where(i => ids.Contains(i.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        await db.CustomerFields.Where(f => ids.Contains(f.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        await db.IdentityLinks.Where(l => touchpointIds.Contains(l.TouchpointId) || values.Contains(l.Value)).ExecuteDeleteAsync(cancellationToken);
        await db.IdentityConflicts.Where(c => ids.Contains(c.CustomerId) || customerIds.Contains(c.OtherCustomerId) || values.Contains(c.IdentifierValue!))
            .ExecuteDeleteAsync(cancellationToken);
        await db.CustomerMerges.Where(m => ids.Contains(m.SurvivorId) || ids.Contains(m.MergedId)).ExecuteDeleteAsync(cancellationToken);
        await db.DuplicateDismissals.Where(d => ids.Contains(d.CustomerId) || ids.Contains(d.OtherCustomerId)).ExecuteDeleteAsync(cancellationToken);
        await db.SeparationMembers.Where(s => values.Contains(s.Value)).ExecuteDeleteAsync(cancellationToken);
        await db.Timeline.Where(t => customerIds.Contains(t.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        await db.CustomerHealth.Where(h => ids.Contains(h.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        var mentions = Mentions(ids, values).ToList();
        await TakeOutOfFailedGroupsAsync(mentions, cancellationToken);
        foreach (var mention in mentions)
        {
            await db.Outbox.Where(o => o.Body.Contains(mention)).ExecuteDeleteAsync(cancellationToken);
            await db.FailedMessages
                .Where(f => !GroupTypes.Contains(f.MessageType) && (f.Body.Contains(mention) || f.ExceptionMessage.Contains(mention)))
                .ExecuteDeleteAsync(cancellationToken);
        }
        await db.Customers.Where(c => ids.Contains(c.Id)).ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        await RemoveFromIngressBufferAsync(mentions, cancellationToken);
        return request;
    }

    /// <summary>
    /// Puts the connected systems that refused the erasure (<c>failed</c>) back to <c>pending</c>, for the survivor's erasure and
    /// those of the customers merged into it, once the cause is fixed; returns those systems' instance ids.
    /// </summary>
    public async Task<IReadOnlyList<string>> RedispatchFailedAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var requestIds = await db.ErasureRequests.Where(r => r.Id == requestId || r.SurvivorRequestId == requestId).Select(r => r.Id).ToListAsync(cancellationToken);
        var failed = await db.ErasureTargets.Where(t => requestIds.Contains(t.RequestId) && t.Status == ErasureStatus.Failed)
            .Select(t => t.ConnectorInstanceId).Distinct().ToListAsync(cancellationToken);
        if (failed.Count == 0)
        {
            return [];
        }
        var now = time.GetUtcNow();
        await db.ErasureTargets.Where(t => requestIds.Contains(t.RequestId) && t.Status == ErasureStatus.Failed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, ErasureStatus.Pending)
                .SetProperty(t => t.NextAttemptAt, now)
                .SetProperty(t => t.UpdatedAt, now), cancellationToken);
        signal.Notify();
        return [.. failed.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Touchpoints not applied yet, after the commit (on SQLite the buffer is another file). Any that stay (this failed)
    /// are dropped when they reach resolution: the tombstones committed above mark them as the erased person's.
    /// </summary>
    private async Task RemoveFromIngressBufferAsync(List<string> mentions, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var mention in mentions)
            {
                await ingressBuffer.IngressBuffer.Where(b => b.Body.Contains(mention)).ExecuteDeleteAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogBufferNotCleared(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The erased customer's touchpoints waiting in the ingress buffer stay there for now; resolution drops them")]
    private static partial void LogBufferNotCleared(ILogger logger, Exception exception);

    /// <summary>Every identifier the customer holds or that any of their touchpoints or merges named.</summary>
    private async Task<HashSet<CustomerIdentifier>> IdentifiersAsync(
        Persistence.CustomerRow customer, List<Guid?> customerIds, List<Guid> touchpointIds, CancellationToken cancellationToken)
    {
        var identifiers = customer.Identifiers.Select(i => new CustomerIdentifier(i.Type, i.Value)).ToHashSet();
        var linked = await db.IdentityLinks.Where(l => touchpointIds.Contains(l.TouchpointId)).Select(l => new { l.Type, l.Value }).Distinct().ToListAsync(cancellationToken);
        identifiers.UnionWith(linked.Select(l => new CustomerIdentifier(l.Type, l.Value)));
        var ids = customerIds.OfType<Guid>().ToList();
        var merged = await db.CustomerMerges.Where(m => ids.Contains(m.SurvivorId) || ids.Contains(m.MergedId)).Select(m => m.MergedIdentifiers).ToListAsync(cancellationToken);
        foreach (var json in merged)
        {
            identifiers.UnionWith(JsonSerializer.Deserialize<List<CustomerIdentifier>>(json, JsonSerializerOptions.Web) ?? []);
        }
        return identifiers;
    }

    /// <summary>
    /// The identifiers each customer merged into the erased one held when it was merged (its merges' history), so its own
    /// erasure names its own records in connected systems.
    /// </summary>
    private async Task<List<(Guid MergedId, HashSet<CustomerIdentifier> Held)>> MergedIdentifiersAsync(List<Guid> mergedIds, CancellationToken cancellationToken)
    {
        var merges = await db.CustomerMerges.Where(m => m.Kind == "merge" && mergedIds.Contains(m.MergedId))
            .Select(m => new { m.MergedId, m.MergedIdentifiers }).ToListAsync(cancellationToken);
        return [.. mergedIds.Order().Select(id => (id, merges.Where(m => m.MergedId == id)
            .SelectMany(m => JsonSerializer.Deserialize<List<CustomerIdentifier>>(m.MergedIdentifiers, JsonSerializerOptions.Web) ?? []).ToHashSet()))];
    }

    /// <summary>One target row per connected system that erases: the customer's record id there (its checkpoint) and its record-id identifiers.</summary>
    private void AddTargets(ErasureRequestRow request, HashSet<CustomerIdentifier> identifiers, List<SyncCheckpointRow> checkpoints, DateTimeOffset now)
    {
        var recordIds = checkpoints.Where(c => c.CustomerId == request.CustomerId)
            .ToDictionary(c => c.ConnectorInstanceId, c => c.ExternalRecordId, StringComparer.OrdinalIgnoreCase);
        var external = JsonSerializer.Serialize(identifiers.Where(i => i.Type.Contains(':', StringComparison.Ordinal)).OrderBy(i => i.Type).ThenBy(i => i.Value), JsonSerializerOptions.Web);
        foreach (var instance in instances.All)
        {
            if (instances.TryGet(instance.Id, out _, out var connector) && ErasureDispatcher.Erases(connector, instance))
            {
                request.Targets.Add(new ErasureTargetRow
                {
                    RequestId = request.Id,
                    ConnectorInstanceId = instance.Id,
                    Status = ErasureStatus.Pending,
                    ExternalRecordId = recordIds.GetValueOrDefault(instance.Id),
                    ExternalIdentifiers = external,
                    NextAttemptAt = now,
                    UpdatedAt = now,
                });
            }
        }
        if (request.Targets.Count == 0)
        {
            request.CompletedAt = now;
        }
    }

    private async Task AddTombstonesAsync(ErasureRequestRow request, List<string> all, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hashes = all.Distinct(StringComparer.Ordinal).ToList();
        var existing = await db.ErasureTombstones.Where(t => hashes.Contains(t.Hash)).ToDictionaryAsync(t => t.Hash, cancellationToken);
        foreach (var hash in hashes)
        {
            if (existing.TryGetValue(hash, out var tombstone))
            {
                tombstone.RequestId = request.Id;
                tombstone.ErasedAt = now;
            }
            else
            {
                db.ErasureTombstones.Add(new ErasureTombstoneRow { Hash = hash, RequestId = request.Id, ErasedAt = now });
            }
        }
    }

    /// <summary>
    /// Every sync target's checkpoint of the customer and of those merged into it at the highest version: no change of
    /// theirs is pushed any more.
    /// </summary>
    private async Task FreezeSyncCheckpointsAsync(List<Guid> customerIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.SyncCheckpoints.Where(c => customerIds.Contains(c.CustomerId))
            .ToDictionaryAsync(c => (c.ConnectorInstanceId.ToLowerInvariant(), c.CustomerId), cancellationToken);
        foreach (var (instance, customerId) in instances.All.SelectMany(i => customerIds.Select(id => (i, id))))
        {
            if (!rows.TryGetValue((instance.Id.ToLowerInvariant(), customerId), out var row))
            {
                row = new SyncCheckpointRow { ConnectorInstanceId = instance.Id, CustomerId = customerId };
                db.SyncCheckpoints.Add(row);
            }
            row.DeliveredVersion = SyncCheckpoints.ErasedVersion;
            row.ExternalRecordId = null;
            row.LastError = null;
            row.FailedVersion = null;
            row.LastErrorAt = null;
            row.UpdatedAt = now;
        }
    }

    /// <summary>
    /// A failed group (of customer changes, or of touchpoints) holds other people's messages too, which can still be
    /// replayed: only those that mention the person leave it (a group left empty is deleted), and the person is blanked
    /// out of its reason. The fingerprint stays, so the same group failing again (a redelivery) reopens this row, not a
    /// new one.
    /// </summary>
    private async Task TakeOutOfFailedGroupsAsync(List<string> mentions, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<long, FailedMessageRow>();
        foreach (var mention in mentions)
        {
            var found = await db.FailedMessages
                .Where(f => GroupTypes.Contains(f.MessageType) && (f.Body.Contains(mention) || f.ExceptionMessage.Contains(mention)))
                .ToListAsync(cancellationToken);
            found.ForEach(row => rows.TryAdd(row.Id, row));
        }
        foreach (var row in rows.Values)
        {
            var body = row.MessageType == nameof(TouchpointGroup)
                ? Without(JsonSerializer.Deserialize<TouchpointGroup>(row.Body, JsonSerializerOptions.Web)!, g => g.Touchpoints, (g, kept) => g with { Touchpoints = kept })
                : Without(JsonSerializer.Deserialize<CustomerUpdateGroup>(row.Body, JsonSerializerOptions.Web)!, g => g.Changes, (g, kept) => g with { Changes = kept });
            if (body is null)
            {
                db.FailedMessages.Remove(row);
                continue;
            }
            row.Body = body;
            row.ExceptionMessage = mentions.Aggregate(row.ExceptionMessage, (reason, mention) => reason.Replace(mention, "[erased]", StringComparison.Ordinal));
        }
        await db.SaveChangesAsync(cancellationToken);

        // The group without the messages that mention the person, as JSON; null when none is left.
        string? Without<TGroup, TMessage>(TGroup group, Func<TGroup, IReadOnlyList<TMessage>> messages, Func<TGroup, List<TMessage>, TGroup> with)
        {
            var kept = messages(group).Where(m => !MentionsAny(JsonSerializer.Serialize(m, JsonSerializerOptions.Web))).ToList();
            return kept.Count == 0 ? null : JsonSerializer.Serialize(with(group, kept), JsonSerializerOptions.Web);
        }

        bool MentionsAny(string json) => mentions.Any(mention => json.Contains(mention, StringComparison.Ordinal));
    }

    /// <summary>The texts that mark a stored message as about this person: their ids and identifiers, raw and as JSON writes them.</summary>
    private static IEnumerable<string> Mentions(List<Guid> customerIds, List<string> values) =>
        customerIds.Select(id => id.ToString())
            .Concat(values)
            .Concat(values.Select(v => JsonEncodedText.Encode(v).ToString()))
            .Concat(values.Select(v => JsonEncodedText.Encode(v, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString()))
            .Where(m => m.Length >= 3)
            .Distinct(StringComparer.Ordinal);
}

/// <summary>Wakes the erasure dispatcher.</summary>
public sealed class ErasureSignal : Outbox.WorkSignal;
