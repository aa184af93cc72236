using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>The stored customer as the contract's master record.</summary>
public static class CustomerSnapshots
{
    public static CustomerSnapshot From(CustomerRow customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return new CustomerSnapshot
        {
            Id = customer.Id,
            Version = customer.Version,
            Identifiers = [.. customer.Identifiers.OrderBy(i => i.Type, StringComparer.Ordinal).ThenBy(i => i.Value, StringComparer.Ordinal)
                .Select(i => new CustomerIdentifier(i.Type, i.Value))],
            CreatedRecords = [.. customer.Identifiers.Where(i => i.CreatedForCustomerId is not null)
                .OrderBy(i => i.Type, StringComparer.Ordinal).ThenBy(i => i.Value, StringComparer.Ordinal)
                .Select(i => new CreatedRecord(new CustomerIdentifier(i.Type, i.Value), i.CreatedForCustomerId!.Value))],
            Fields = customer.Fields.OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToDictionary(f => f.Name, f => new CustomerFieldValue(f.Value, f.Source, f.ObservedAt), StringComparer.Ordinal),
            CreatedAt = customer.CreatedAt,
            UpdatedAt = customer.UpdatedAt,
        };
    }

    /// <summary>
    /// The customers <paramref name="ids"/> with identifiers and fields. Rows the context tracks as new, or with both
    /// loaded, are used as they are (they hold what this transaction wrote or is about to write); rows it tracks as
    /// deleted are left out; only the others are read.
    /// </summary>
    internal static async Task<Dictionary<Guid, CustomerRow>> LoadAsync(HubDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.ToHashSet();
        var tracked = db.ChangeTracker.AsTracked<CustomerRow>().Where(e => wanted.Contains(e.Entity.Id)).ToList();
        // Navigations by name: a lambda there would build an expression tree for every tracked customer.
        var rows = tracked
            .Where(e => e.State == EntityState.Added
                || (e.State != EntityState.Deleted && e.Collection(nameof(CustomerRow.Identifiers)).IsLoaded && e.Collection(nameof(CustomerRow.Fields)).IsLoaded))
            .ToDictionary(e => e.Entity.Id, e => e.Entity);
        var deleted = tracked.Where(e => e.State == EntityState.Deleted).Select(e => e.Entity.Id).ToHashSet();
        var missing = wanted.Where(id => !rows.ContainsKey(id) && !deleted.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var row in await db.Customers.Include(c => c.Identifiers).Include(c => c.Fields).AsSplitQuery()
                .WhereKeyIn(c => c.Id, missing).ToListAsync(cancellationToken))
            {
                rows[row.Id] = row;
            }
        }
        return rows;
    }
}
