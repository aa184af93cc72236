using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Pages.Admin.Customers;

/// <summary>
/// Customer search: an e-mail or a phone number is normalized and matched exactly; any text is also matched, in part and
/// without regard to case, against identifiers (handles, ids in connected systems) and the name fields.
/// </summary>
public sealed class IndexModel(HubDbContext db, IdentifierNormalizer normalizer) : PageModel
{
    public const int Limit = 50;
    private static readonly string[] NameFields = ["name", "firstName", "lastName", "company"];

    public string? Query { get; private set; }

    public IReadOnlyList<CustomerSummary> Results { get; private set; } = [];

    public async Task OnGetAsync(string? q)
    {
        Query = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (Query is null)
        {
            return;
        }
        var exact = new List<string>();
        foreach (var type in new[] { IdentifierTypes.Email, IdentifierTypes.Phone })
        {
            if (normalizer.Normalize(new CustomerIdentifier(type, Query)).Identifier is { } normalized)
            {
                exact.Add(normalized.Value);
            }
        }
        var pattern = "%" + Query.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var cancel = HttpContext.RequestAborted;
        var byIdentifier = await db.CustomerIdentifiers.AsNoTracking()
            .Where(i => exact.Contains(i.Value) || EF.Functions.Like(i.Value.ToLower(), pattern, "\\"))
            .Select(i => i.CustomerId).Distinct().Take(Limit).ToListAsync(cancel);
        var byName = await db.CustomerFields.AsNoTracking()
            .Where(f => NameFields.Contains(f.Name) && EF.Functions.Like(f.Value.ToLower(), pattern, "\\"))
            .Select(f => f.CustomerId).Distinct().Take(Limit).ToListAsync(cancel);
        var ids = byIdentifier.Concat(byName).Distinct().Take(Limit).ToList();
        if (Guid.TryParse(Query, out var id))
        {
            ids.Add(id);
        }
        var customers = await db.Customers.AsNoTracking().AsSplitQuery().Include(c => c.Identifiers).Include(c => c.Fields)
            .Where(c => ids.Contains(c.Id) && c.MergedIntoId == null).OrderByDescending(c => c.UpdatedAt).ToListAsync(cancel);
        Results = [.. customers.Select(CustomerSummary.From)];
    }
}

public sealed record CustomerSummary(Guid Id, string DisplayName, IReadOnlyList<(string Type, string Value)> Identifiers, DateTimeOffset UpdatedAt)
{
    public static CustomerSummary From(CustomerRow row) => new(row.Id, DisplayNameOf(row),
        [.. row.Identifiers.OrderBy(i => i.Type).Select(i => (i.Type, i.Value))], row.UpdatedAt);

    public static string DisplayNameOf(CustomerRow row)
    {
        string? Field(string name) => row.Fields.FirstOrDefault(f => f.Name == name)?.Value;
        var full = string.Join(' ', new[] { Field("firstName"), Field("lastName") }.Where(v => !string.IsNullOrWhiteSpace(v)));
        return Field("name") ?? (full.Length > 0 ? full : null)
            ?? row.Identifiers.OrderBy(i => i.Type).Select(i => i.Value).FirstOrDefault() ?? row.Id.ToString();
    }
}
