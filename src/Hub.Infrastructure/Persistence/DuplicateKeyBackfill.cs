using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// The duplicate keys (<see cref="CustomerFieldRow.DuplicateKey"/>, <see cref="CustomerIdentifierRow.DuplicateKey"/>) of
/// names, companies and phone numbers stored without one: before they existed, or by a process of such a version. Until
/// then such a customer is missing from the likely-duplicate suggestions. Run by <see cref="DerivedKeyBackfill"/>.
/// </summary>
internal static class DuplicateKeyBackfill
{
    /// <summary>Keys every compared field and phone number that has no key; returns how many it keyed.</summary>
    public static async Task<int> RunAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var compared = DuplicateKeys.ComparedFields.ToList();
        var keyed = await DerivedKeyBackfill.InBatchesAsync(db, async () =>
        {
            var batch = await db.CustomerFields.AsNoTracking().Where(f => compared.Contains(f.Name) && f.DuplicateKey == null)
                .OrderBy(f => f.CustomerId).ThenBy(f => f.Name).Take(DerivedKeyBackfill.BatchSize)
                .Select(f => new { f.CustomerId, f.Name, f.Value }).ToListAsync(cancellationToken);
            var keyedNow = 0;
            foreach (var field in batch)
            {
                var key = DuplicateKeys.OfField(field.Name, field.Value);
                keyedNow += await db.CustomerFields
                    .Where(f => f.CustomerId == field.CustomerId && f.Name == field.Name && f.Value == field.Value && f.DuplicateKey == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.DuplicateKey, key), cancellationToken);
            }
            return (batch.Count, keyedNow);
        }, cancellationToken);
        keyed += await DerivedKeyBackfill.InBatchesAsync(db, async () =>
        {
            var batch = await db.CustomerIdentifiers.AsNoTracking()
                .Where(i => i.Type == IdentifierTypes.Phone && i.Value.Length > 9 && i.DuplicateKey == null)
                .OrderBy(i => i.Value).Take(DerivedKeyBackfill.BatchSize).Select(i => i.Value).ToListAsync(cancellationToken);
            var keyedNow = 0;
            foreach (var value in batch)
            {
                var key = DuplicateKeys.OfIdentifier(IdentifierTypes.Phone, value);
                keyedNow += await db.CustomerIdentifiers
                    .Where(i => i.Type == IdentifierTypes.Phone && i.Value == value && i.DuplicateKey == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.DuplicateKey, key), cancellationToken);
            }
            return (batch.Count, keyedNow);
        }, cancellationToken);
        return keyed;
    }
}
