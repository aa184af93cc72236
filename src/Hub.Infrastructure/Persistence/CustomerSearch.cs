using Hub.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// The admin UI's free-text customer search: the text matches, in part and without regard to case, identifiers (ids in
/// connected systems), the name fields and the X handle and name. Names match through their stored
/// <see cref="CustomerFieldRow.SearchKey"/>, folded like the text (<see cref="CaseFolding"/>): Å finds å and a decomposed
/// é a composed one on SQLite, whose lower() folds ASCII only, and on PostgreSQL, whose lower() depends on the
/// database's locale. A leading <c>@</c> is ignored, so <c>@priya_s</c> finds the handle <c>priya_s</c>.
/// </summary>
public static class CustomerSearch
{
    private static readonly string[] SearchedFields = ["name", "firstName", "lastName", "company", "twitterHandle", "twitterName"];

    /// <summary>
    /// Ids of the customers (not merged into another) with an identifier in <paramref name="exactIdentifiers"/> or a
    /// match for <paramref name="text"/>, the most recently updated first: <paramref name="limit"/> of them after the first
    /// <paramref name="skip"/>.
    /// </summary>
    public static async Task<List<Guid>> IdsMatchingAsync(
        HubDbContext db, string text, IReadOnlyCollection<string> exactIdentifiers, int skip, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(text);
        var typed = text.StartsWith('@') && text.Length > 1 ? text[1..] : text;
        var pattern = "%" + CaseFolding.Fold(typed).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var byIdentifier = db.CustomerIdentifiers
            .Where(i => exactIdentifiers.Contains(i.Value) || EF.Functions.Like(i.Value.ToLower(), pattern, "\\"))
            .Select(i => i.CustomerId);
        var byField = db.CustomerFields
            .Where(f => SearchedFields.Contains(f.Name) && EF.Functions.Like(f.SearchKey, pattern, "\\"))
            .Select(f => f.CustomerId);
        return await db.Customers.AsNoTracking()
            .Where(c => c.MergedIntoId == null && (byIdentifier.Contains(c.Id) || byField.Contains(c.Id)))
            .OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.Id)
            .Skip(skip).Take(limit).Select(c => c.Id).ToListAsync(cancellationToken);
    }
}
