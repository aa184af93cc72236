using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Pages.Admin.Customers;

/// <summary>
/// Customer search: an e-mail or a phone number is normalized and matched exactly; any text is also matched as
/// <see cref="CustomerSearch"/> says, and a customer id finds its customer.
/// </summary>
public sealed class IndexModel(HubDbContext db, IdentifierNormalizer normalizer) : PageModel
{
    public const int Limit = 50;

    public string? Query { get; private set; }

    /// <summary>The page of results shown, from 1.</summary>
    public int PageNumber { get; private set; } = 1;

    /// <summary>Whether more customers match than this page shows.</summary>
    public bool HasMore { get; private set; }

    public IReadOnlyList<CustomerSummary> Results { get; private set; } = [];

    public async Task OnGetAsync(string? q, int? page)
    {
        Query = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (Query is null)
        {
            return;
        }
        PageNumber = Math.Clamp(page ?? 1, 1, 10_000);
        var exact = new List<string>();
        foreach (var type in new[] { IdentifierTypes.Email, IdentifierTypes.Phone })
        {
            if (normalizer.Normalize(new CustomerIdentifier(type, Query)).Identifier is { } normalized)
            {
                exact.Add(normalized.Value);
            }
        }
        var cancel = HttpContext.RequestAborted;
        var ids = await CustomerSearch.IdsMatchingAsync(db, Query, exact, (PageNumber - 1) * Limit, Limit + 1, cancel);
        HasMore = ids.Count > Limit;
        ids = [.. ids.Take(Limit)];
        if (PageNumber == 1 && Guid.TryParse(Query, out var id) && !ids.Contains(id))
        {
            ids.Insert(0, id);
        }
        var customers = await db.Customers.AsNoTracking().AsSplitQuery().Include(c => c.Identifiers).Include(c => c.Fields)
            .Where(c => ids.Contains(c.Id) && c.MergedIntoId == null).ToListAsync(cancel);
        Results = [.. customers.OrderBy(c => ids.IndexOf(c.Id)).Select(CustomerSummary.From)];
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
