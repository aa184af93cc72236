using System.Text.Json;
using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.RelationshipHealth;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// An admin's undo of a merge: the merged customer's identifiers (as they were at the merge) and the
/// survivor's other identifiers are separated for good, and the component is replayed, which restores
/// the merged customer with its own identifiers and timeline. Recorded in the merge history as a split, and in the
/// audit log in the same transaction.
/// </summary>
public sealed class CustomerSplitter(
    HubDbContext db, IdentityRules rules, SurvivorshipRules survivorship, AuditLog audit, TimeProvider time, RelationshipHealthOptions healthOptions)
{
    public async Task<SplitResult> SplitAsync(Guid customerId, Guid mergedCustomerId, string actor, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginCustomerGraphTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var merge = await db.CustomerMerges
            .Where(m => m.Kind == "merge" && m.SurvivorId == customerId && m.MergedId == mergedCustomerId && m.UndoneAt == null)
            .OrderByDescending(m => m.Id).FirstOrDefaultAsync(cancellationToken);
        if (merge is null)
        {
            return SplitResult.Refused($"Customer {mergedCustomerId} is not merged into {customerId}: see GET /api/customers/{customerId}/merges.");
        }
        var sideB = JsonSerializer.Deserialize<List<CustomerIdentifier>>(merge.MergedIdentifiers, JsonSerializerOptions.Web)!.ToHashSet();
        var sideA = (await db.CustomerIdentifiers.Where(i => i.CustomerId == customerId).ToListAsync(cancellationToken))
            .Select(i => new CustomerIdentifier(i.Type, i.Value)).Where(i => !sideB.Contains(i)).ToHashSet();
        if (sideA.Count == 0 || sideB.Count == 0)
        {
            return SplitResult.Refused("Nothing would be left on one side of the split.");
        }
        merge.UndoneAt = now;
        if (merge is { Actor: not null, TouchpointId: { } adminLink })
        {
            // An admin's merge (CustomerMerger): its link would otherwise stay in the graph as a refused merge.
            await db.IdentityLinks.Where(l => l.TouchpointId == adminLink).ExecuteDeleteAsync(cancellationToken);
        }
        db.SeparationMembers.AddRange(sideA.Select(i => new SeparationMemberRow { SeparationId = merge.Id, Side = "A", Type = i.Type, Value = i.Value }));
        db.SeparationMembers.AddRange(sideB.Select(i => new SeparationMemberRow { SeparationId = merge.Id, Side = "B", Type = i.Type, Value = i.Value }));
        db.CustomerMerges.Add(new CustomerMergeRow
        {
            Kind = "split",
            SurvivorId = customerId,
            MergedId = mergedCustomerId,
            MergedIdentifiers = merge.MergedIdentifiers,
            Actor = actor,
            At = now,
        });
        audit.Add(db, actor, AuditActions.CustomerSplit, customerId.ToString(), $"split {mergedCustomerId} off again");

        var changes = new ResolutionChanges();
        var fields = new CustomerFieldsCalculator(db, survivorship, changes);
        var customers = await new ComponentReplayer(db, rules, fields, changes, now, healthOptions).ReplayAsync(sideA.Concat(sideB), cancellationToken);
        var restored = customers.Where(id => id != customerId).ToList();
        changes.Splits.Add((customerId, restored, actor));
        await ResolutionEvents.WriteAsync(db, changes, now, claim: null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SplitResult(true, restored, null);
    }
}

public sealed record SplitResult(bool Done, IReadOnlyList<Guid> RestoredCustomerIds, string? Problem)
{
    public static SplitResult Refused(string problem) => new(false, [], problem);
}
