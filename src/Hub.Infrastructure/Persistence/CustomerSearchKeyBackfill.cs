using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Fields stored before <see cref="CustomerFieldRow.SearchKey"/> existed got an empty key from the migration, which
/// cannot fold text the way .NET does; they are keyed after migrating, in batches. Fields written later carry their key.
/// </summary>
internal static class CustomerSearchKeyBackfill
{
    private const int BatchSize = 1000;

    /// <summary>Keys every field that has none; returns how many it keyed.</summary>
    public static async Task<int> RunAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var keyed = 0;
        while (true)
        {
            var batch = await db.CustomerFields.Where(f => f.SearchKey == "" && f.Value != "").Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                db.ChangeTracker.Clear();
                return keyed;
            }
            foreach (var field in batch)
            {
                field.Value = field.Value; // the setter derives the key
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            keyed += batch.Count;
        }
    }
}
