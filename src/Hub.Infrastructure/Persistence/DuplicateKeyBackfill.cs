using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Names, companies and phone numbers stored before <see cref="CustomerFieldRow.DuplicateKey"/> and
/// <see cref="CustomerIdentifierRow.DuplicateKey"/> existed have no key (the migration cannot fold text the way .NET
/// does); they are keyed after migrating, in batches. Rows written later carry their key.
/// </summary>
internal static class DuplicateKeyBackfill
{
    private const int BatchSize = 1000;

    /// <summary>Keys every compared field and phone number that has none; returns how many it keyed.</summary>
    public static async Task<int> RunAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var compared = DuplicateKeys.ComparedFields.ToList();
        var keyed = await KeyAsync(
            db.CustomerFields.Where(f => compared.Contains(f.Name) && f.DuplicateKey == null), field => field.Value = field.Value, db, cancellationToken);
        keyed += await KeyAsync(
            db.CustomerIdentifiers.Where(i => i.Type == IdentifierTypes.Phone && i.Value.Length > 9 && i.DuplicateKey == null),
            identifier => identifier.Value = identifier.Value, db, cancellationToken);
        return keyed;
    }

    private static async Task<int> KeyAsync<T>(IQueryable<T> unkeyed, Action<T> key, HubDbContext db, CancellationToken cancellationToken)
    {
        var keyed = 0;
        while (true)
        {
            var batch = await unkeyed.Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                db.ChangeTracker.Clear();
                return keyed;
            }
            foreach (var row in batch)
            {
                key(row); // the setter derives the key
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            keyed += batch.Count;
        }
    }
}
