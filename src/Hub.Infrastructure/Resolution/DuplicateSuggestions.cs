using System.Globalization;
using System.Text;
using Hub.Contracts.Identity;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Likely duplicates that no deterministic rule joins, for an admin to review: never merged automatically.
/// Same name and company (case, accents and spacing ignored), or phone numbers that share their last
/// nine digits (a national number read in the wrong region, a dropped or doubled country code).
/// </summary>
public sealed class DuplicateSuggestions(HubDbContext db)
{
    public Task<IReadOnlyList<DuplicateSuggestion>> FindAsync(int limit, CancellationToken cancellationToken) =>
        FindAsync(limit, null, cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> suggestions, highest score first (then by the two customer ids), the first of them
    /// the one after <paramref name="after"/>: a page of the whole list, computed afresh each time.
    /// </summary>
    public async Task<IReadOnlyList<DuplicateSuggestion>> FindAsync(int limit, DuplicateSuggestion? after, CancellationToken cancellationToken)
    {
        var suggestions = new List<DuplicateSuggestion>();
        var names = await db.CustomerFields.AsNoTracking().Where(f => f.Name == "name")
            .Join(db.Customers.Where(c => c.MergedIntoId == null), f => f.CustomerId, c => c.Id, (f, c) => new { f.CustomerId, f.Value })
            .ToListAsync(cancellationToken);
        var sameName = names.GroupBy(n => Normalize(n.Value)).Where(g => g.Count() > 1).ToList();
        var ids = sameName.SelectMany(g => g.Select(n => n.CustomerId)).ToList();
        var companies = await db.CustomerFields.AsNoTracking().Where(f => f.Name == "company" && ids.Contains(f.CustomerId))
            .ToDictionaryAsync(f => f.CustomerId, f => Normalize(f.Value), cancellationToken);
        foreach (var group in sameName)
        {
            var members = group.OrderBy(n => n.CustomerId).ToList();
            for (var i = 0; i < members.Count; i++)
            {
                for (var j = i + 1; j < members.Count; j++)
                {
                    var a = companies.GetValueOrDefault(members[i].CustomerId);
                    var b = companies.GetValueOrDefault(members[j].CustomerId);
                    if (a is not null && a == b)
                    {
                        suggestions.Add(new(members[i].CustomerId, members[j].CustomerId, 0.9, $"same name '{members[i].Value}' and company"));
                    }
                }
            }
        }
        var phones = await db.CustomerIdentifiers.AsNoTracking().Where(i => i.Type == IdentifierTypes.Phone).ToListAsync(cancellationToken);
        foreach (var group in phones.Where(p => p.Value.Length >= 10).GroupBy(p => p.Value[^9..]).Where(g => g.Select(p => p.CustomerId).Distinct().Count() > 1))
        {
            var members = group.OrderBy(p => p.CustomerId).ToList();
            for (var i = 0; i < members.Count; i++)
            {
                for (var j = i + 1; j < members.Count; j++)
                {
                    if (members[i].CustomerId != members[j].CustomerId)
                    {
                        suggestions.Add(new(members[i].CustomerId, members[j].CustomerId, 0.7,
                            $"phone numbers {members[i].Value} and {members[j].Value} differ only before their last 9 digits"));
                    }
                }
            }
        }
        var ordered = suggestions.OrderByDescending(s => s.Score).ThenBy(s => s.CustomerId).ThenBy(s => s.OtherCustomerId).AsEnumerable();
        if (after is not null)
        {
            ordered = ordered.Where(s => s.Score < after.Score || (s.Score == after.Score
                && (s.CustomerId.CompareTo(after.CustomerId) > 0 || (s.CustomerId == after.CustomerId && s.OtherCustomerId.CompareTo(after.OtherCustomerId) > 0))));
        }
        return [.. ordered.Take(limit)];
    }

    private static string Normalize(string text)
    {
        var decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (!char.IsWhiteSpace(c) || (builder.Length > 0 && builder[^1] != ' '))
            {
                builder.Append(char.IsWhiteSpace(c) ? ' ' : c);
            }
        }
        return builder.ToString().Trim();
    }
}

/// <summary>Two customers that may be one person.</summary>
public sealed record DuplicateSuggestion(Guid CustomerId, Guid OtherCustomerId, double Score, string Reason);
