using Hub.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// The admin UI's free-text customer search: the text matches, in part and without regard to case, identifiers (handles,
/// ids in connected systems) and the name fields. Names match through their stored <see cref="CustomerFieldRow.SearchKey"/>,
/// folded like the text (<see cref="CaseFolding"/>): Å finds å and a decomposed é a composed one on SQLite, whose lower()
/// folds ASCII only, and on PostgreSQL, whose lower() depends on the database's locale.
/// </summary>
public static class CustomerSearch
{
    private static readonly string[] NameFields = ["name", "firstName", "lastName", "company"];

    /// <summary>Ids of customers with an identifier in <paramref name="exactIdentifiers"/> or a match for <paramref name="text"/>; at most <paramref name="limit"/>.</summary>
    public static async Task<List<Guid>> IdsMatchingAsync(
        HubDbContext db, string text, IReadOnlyCollection<string> exactIdentifiers, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(text);
        var pattern = "%" + CaseFolding.Fold(text).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var byIdentifier = await db.CustomerIdentifiers.AsNoTracking()
            .Where(i => exactIdentifiers.Contains(i.Value) || EF.Functions.Like(i.Value.ToLower(), pattern, "\\"))
            .Select(i => i.CustomerId).Distinct().Take(limit).ToListAsync(cancellationToken);
        var byName = await db.CustomerFields.AsNoTracking()
            .Where(f => NameFields.Contains(f.Name) && EF.Functions.Like(f.SearchKey, pattern, "\\"))
            .Select(f => f.CustomerId).Distinct().Take(limit).ToListAsync(cancellationToken);
        return [.. byIdentifier.Concat(byName).Distinct().Take(limit)];
    }
}
