using Hub.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// The search key (<see cref="CustomerFieldRow.SearchKey"/>) of customer fields stored without one: before it existed
/// (the migration leaves it empty) or by a process of such a version. Run by <see cref="DerivedKeyBackfill"/>.
/// </summary>
internal static class CustomerSearchKeyBackfill
{
    /// <summary>Keys every field that has none; returns how many it keyed.</summary>
    public static Task<int> RunAsync(HubDbContext db, CancellationToken cancellationToken) =>
        DerivedKeyBackfill.InBatchesAsync(db, async () =>
        {
            var batch = await db.CustomerFields.AsNoTracking().Where(f => f.SearchKey == "" && f.Value != "")
                .OrderBy(f => f.CustomerId).ThenBy(f => f.Name).Take(DerivedKeyBackfill.BatchSize)
                .Select(f => new { f.CustomerId, f.Name, f.Value }).ToListAsync(cancellationToken);
            var keyedNow = 0;
            foreach (var field in batch)
            {
                var key = CaseFolding.Fold(field.Value);
                if (key.Length > 0)
                {
                    keyedNow += await db.CustomerFields
                        .Where(f => f.CustomerId == field.CustomerId && f.Name == field.Name && f.Value == field.Value && f.SearchKey == "")
                        .ExecuteUpdateAsync(s => s.SetProperty(f => f.SearchKey, key), cancellationToken);
                }
            }
            return (batch.Count, keyedNow);
        }, cancellationToken);
}
