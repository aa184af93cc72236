using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Core.Identity.Resolution;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.RelationshipHealth;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// An admin's merge of two customers that no rule joined. The admin's word is kept as a link in the identity graph (every
/// identifier both customers hold, as if one touchpoint had named them all), so a later replay of the component merges
/// them again; a split of theirs between the two is lifted. The component is then replayed, which merges the younger
/// customer into the older one exactly as a touchpoint would: timeline, identifiers and fields move, the merged id
/// answers 301, <c>CustomersMerged</c> and <c>CustomerUpdated</c> go out through the outbox. Recorded in the merge history
/// with the admin as actor, and in the audit log, in the same transaction. Merge protection still holds: two different
/// ids of one CRM record type (or more identifiers of one type than allowed) are refused.
/// </summary>
public sealed class CustomerMerger(
    HubDbContext db, IdentityRules rules, SurvivorshipRules survivorship, AuditLog audit, TimeProvider time, RelationshipHealthOptions healthOptions)
{
    private const int MaxMergeHops = 16;

    public async Task<ManualMergeResult> MergeAsync(Guid customerId, Guid otherCustomerId, string actor, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginCustomerGraphTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var first = await CurrentAsync(customerId, cancellationToken);
        var second = await CurrentAsync(otherCustomerId, cancellationToken);
        foreach (var (id, found) in new[] { (customerId, first), (otherCustomerId, second) })
        {
            if (found is null)
            {
                return await db.ErasureRequests.AnyAsync(r => r.CustomerId == id, cancellationToken)
                    ? ManualMergeResult.Refused($"Customer {id} was erased; an erased customer cannot be merged.")
                    : ManualMergeResult.NotFound(id);
            }
        }
        if (first!.Id == second!.Id)
        {
            return ManualMergeResult.Refused($"{customerId} and {otherCustomerId} are one customer already: {first.Id}.");
        }
        var (survivor, merged) = first.CreatedAt < second.CreatedAt || (first.CreatedAt == second.CreatedAt && first.Id.CompareTo(second.Id) < 0)
            ? (first, second) : (second, first);
        if (Overflow(survivor, merged) is { } overflow)
        {
            return ManualMergeResult.Refused(
                $"Merge protection: together they would hold {overflow.Identifiers.Count} '{overflow.Type}' identifiers "
                + $"({string.Join(", ", overflow.Identifiers.Select(i => i.Value))}), more than the {rules.LimitFor(overflow.Type)} allowed. "
                + "If they are one person, fix the duplicate in the source system first.",
                overflow.Identifiers);
        }

        var survivorIdentifiers = Identifiers(survivor);
        var mergedIdentifiers = Identifiers(merged);
        var lifted = await LiftSeparationsAsync(survivorIdentifiers, mergedIdentifiers, cancellationToken);
        var linkId = Guid.CreateVersion7(now);
        db.IdentityLinks.AddRange(survivorIdentifiers.Concat(mergedIdentifiers).Select(i =>
            new IdentityLinkRow { TouchpointId = linkId, Type = i.Type, Value = i.Value, OccurredAt = now }));
        audit.Add(db, actor, AuditActions.CustomerMerged, survivor.Id.ToString(),
            $"merged {merged.Id} into it by hand" + (lifted > 0 ? "; the split between them is lifted" : ""));

        var changes = new ResolutionChanges();
        var fields = new CustomerFieldsCalculator(db, survivorship, changes);
        await new ComponentReplayer(db, rules, fields, changes, now, healthOptions).ReplayAsync(survivorIdentifiers.Concat(mergedIdentifiers), cancellationToken);
        var mergedInto = await db.Customers.Where(c => c.Id == merged.Id).Select(c => c.MergedIntoId).FirstAsync(cancellationToken);
        if (mergedInto != survivor.Id)
        {
            // A rule the check above does not know kept them apart; nothing is committed.
            var reasons = await db.IdentityConflicts.Where(c => c.TouchpointId == linkId).Select(c => c.Reason).Distinct().ToListAsync(cancellationToken);
            return ManualMergeResult.Refused($"Merge protection kept {merged.Id} apart from {survivor.Id}: {(reasons.Count > 0 ? string.Join("; ", reasons) : "no reason recorded")}.");
        }
        // The replay wrote the merge as the rules' own; it is the admin's, caused by the admin's link.
        var mergeRowId = await db.CustomerMerges.Where(m => m.Kind == "merge" && m.SurvivorId == survivor.Id && m.MergedId == merged.Id && m.UndoneAt == null)
            .OrderByDescending(m => m.Id).Select(m => m.Id).FirstAsync(cancellationToken);
        await db.CustomerMerges.Where(m => m.Id == mergeRowId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Actor, actor).SetProperty(m => m.TouchpointId, linkId), cancellationToken);
        await ResolutionEvents.WriteAsync(db, changes, now, claim: null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ManualMergeResult(ManualMergeOutcome.Merged, survivor.Id, merged.Id, null, []);
    }

    /// <summary>The customer an id stands for now: itself, or the survivor it was merged into; null when there is none.</summary>
    private async Task<CustomerRow?> CurrentAsync(Guid id, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop < MaxMergeHops; hop++)
        {
            var customer = await db.Customers.AsNoTracking().Include(c => c.Identifiers).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (customer?.MergedIntoId is not { } next)
            {
                return customer;
            }
            id = next;
        }
        return null;
    }

    /// <summary>The first identifier type the merged customer would hold too many of (ids the hub created in a target do not count).</summary>
    private (string Type, List<CustomerIdentifier> Identifiers)? Overflow(CustomerRow survivor, CustomerRow merged) =>
        survivor.Identifiers.Concat(merged.Identifiers).Where(i => i.CreatedForCustomerId is null)
            .Select(i => new CustomerIdentifier(i.Type, i.Value)).Distinct()
            .GroupBy(i => i.Type).OrderBy(g => IdentityRules.Strength(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Where(g => g.Count() > rules.LimitFor(g.Key))
            .Select(g => ((string, List<CustomerIdentifier>)?)(g.Key, g.OrderBy(i => i.Value, StringComparer.Ordinal).ToList()))
            .FirstOrDefault();

    private static HashSet<CustomerIdentifier> Identifiers(CustomerRow customer) =>
        [.. customer.Identifiers.Select(i => new CustomerIdentifier(i.Type, i.Value))];

    /// <summary>Removes every admin's split that keeps these two apart; the admin who merges them has decided otherwise.</summary>
    private async Task<int> LiftSeparationsAsync(HashSet<CustomerIdentifier> left, HashSet<CustomerIdentifier> right, CancellationToken cancellationToken)
    {
        var values = left.Concat(right).Select(i => i.Value).Distinct().ToList();
        var ids = (await db.SeparationMembers.AsNoTracking().Where(s => values.Contains(s.Value)).ToListAsync(cancellationToken))
            .Where(s => left.Contains(new CustomerIdentifier(s.Type, s.Value)) || right.Contains(new CustomerIdentifier(s.Type, s.Value)))
            .Select(s => s.SeparationId).Distinct().ToList();
        var members = await db.SeparationMembers.AsNoTracking().Where(s => ids.Contains(s.SeparationId)).ToListAsync(cancellationToken);
        var lifting = members.GroupBy(m => m.SeparationId)
            .Where(g => new Separation(
                g.Where(m => m.Side == "A").Select(m => new CustomerIdentifier(m.Type, m.Value)).ToHashSet(),
                g.Where(m => m.Side == "B").Select(m => new CustomerIdentifier(m.Type, m.Value)).ToHashSet()).Forbids(left, right))
            .Select(g => g.Key).ToList();
        return lifting.Count == 0 ? 0 : await db.SeparationMembers.Where(s => lifting.Contains(s.SeparationId)).ExecuteDeleteAsync(cancellationToken);
    }
}

public enum ManualMergeOutcome
{
    Merged,
    NotFound,
    Refused,
}

/// <param name="Outcome">Merged, or why not.</param>
/// <param name="SurvivorId">The older of the two customers, which the other was merged into.</param>
/// <param name="MergedId">The customer merged into the survivor; when not found, the id that was not.</param>
/// <param name="Problem">Why the merge was refused, for the admin.</param>
/// <param name="ConflictingIdentifiers">The identifiers merge protection refused the merge over, if that was the reason.</param>
public sealed record ManualMergeResult(
    ManualMergeOutcome Outcome, Guid SurvivorId, Guid MergedId, string? Problem, IReadOnlyList<CustomerIdentifier> ConflictingIdentifiers)
{
    public static ManualMergeResult Refused(string problem, IReadOnlyList<CustomerIdentifier>? conflicting = null) =>
        new(ManualMergeOutcome.Refused, Guid.Empty, Guid.Empty, problem, conflicting ?? []);

    public static ManualMergeResult NotFound(Guid id) => new(ManualMergeOutcome.NotFound, Guid.Empty, id, $"There is no customer {id}.", []);
}
