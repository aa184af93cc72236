using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// An admin's "not the same person" for a likely duplicate: the pair leaves the suggestions (<see cref="DuplicateSuggestions"/>)
/// until the dismissal is undone. Stored once per pair whichever way round it is named, with who and when, and recorded
/// in the audit log in the same transaction. A merged id stands for its survivor; an erased customer's dismissals go
/// with its other data (<see cref="Erasure.CustomerEraser"/>).
/// </summary>
public sealed class DuplicateDismissals(HubDbContext db, AuditLog audit, TimeProvider time)
{
    private const int MaxMergeHops = 16;

    /// <summary>Dismisses the pair, or finds it dismissed already (the first dismissal's reason stays).</summary>
    public async Task<DismissalResult> DismissAsync(Guid customerId, Guid otherCustomerId, string? reason, string actor, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginCustomerGraphTransactionAsync(cancellationToken);
        var first = await CurrentAsync(customerId, cancellationToken);
        var second = await CurrentAsync(otherCustomerId, cancellationToken);
        if (first is null || second is null)
        {
            return new(DismissalOutcome.NotFound, null, first is null ? customerId : otherCustomerId);
        }
        if (first == second)
        {
            return new(DismissalOutcome.SameCustomer, null, first.Value);
        }
        var (a, b) = DuplicateDismissalRow.Canonical(first.Value, second.Value);
        if (await db.DuplicateDismissals.AsNoTracking().FirstOrDefaultAsync(d => d.CustomerId == a && d.OtherCustomerId == b, cancellationToken) is { } existing)
        {
            return new(DismissalOutcome.AlreadyDismissed, existing, null);
        }
        var dismissal = new DuplicateDismissalRow
        {
            CustomerId = a,
            OtherCustomerId = b,
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            DismissedBy = actor,
            DismissedAt = time.GetUtcNow(),
        };
        db.DuplicateDismissals.Add(dismissal);
        audit.Add(db, actor, AuditActions.DuplicateDismissed, a.ToString(), $"not the same person as {b}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(DismissalOutcome.Dismissed, dismissal, null);
    }

    /// <summary>
    /// Undoes the dismissal of the pair (in either order; a merged id stands for its survivor, as when dismissing) and
    /// returns it; null when there was none.
    /// </summary>
    public async Task<DuplicateDismissalRow?> UndoAsync(Guid customerId, Guid otherCustomerId, string actor, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var (a, b) = DuplicateDismissalRow.Canonical(
            await CurrentAsync(customerId, cancellationToken) ?? customerId, await CurrentAsync(otherCustomerId, cancellationToken) ?? otherCustomerId);
        await using var transaction = await db.Database.BeginCustomerGraphTransactionAsync(cancellationToken);
        var dismissal = await db.DuplicateDismissals.FirstOrDefaultAsync(d => d.CustomerId == a && d.OtherCustomerId == b, cancellationToken);
        if (dismissal is null)
        {
            return null;
        }
        db.DuplicateDismissals.Remove(dismissal);
        audit.Add(db, actor, AuditActions.DuplicateDismissalUndone, a.ToString(), $"may be the same person as {b} again");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return dismissal;
    }

    /// <summary>The live customer an id stands for (itself, or the survivor it was merged into); null when unknown or erased.</summary>
    private async Task<Guid?> CurrentAsync(Guid id, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop < MaxMergeHops; hop++)
        {
            var customer = await db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.MergedIntoId }).FirstOrDefaultAsync(cancellationToken);
            if (customer is null)
            {
                return null;
            }
            if (customer.MergedIntoId is not { } survivor)
            {
                return id;
            }
            id = survivor;
        }
        return null;
    }
}

public enum DismissalOutcome
{
    Dismissed,
    AlreadyDismissed,
    NotFound,
    SameCustomer,
}

/// <param name="Outcome">What happened.</param>
/// <param name="Dismissal">The stored dismissal (new or found) when dismissed.</param>
/// <param name="CustomerId">The unknown customer's id, or the one customer both ids stand for.</param>
public sealed record DismissalResult(DismissalOutcome Outcome, DuplicateDismissalRow? Dismissal, Guid? CustomerId);
