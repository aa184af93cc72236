using Hub.Contracts.Identity;
using Hub.Infrastructure.Persistence;
using Hub.Server.Api;
using Hub.Server.Api.RelationshipHealth;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Pages.Admin;

/// <summary>
/// The relationship-health dashboard: the figures of <c>GET /api/health/overview</c> (the same query) over all customers,
/// and the customers to act on, longest waiting first, a page at a time.
/// </summary>
public sealed class HealthModel(HubDbContext db, TimeProvider time) : PageModel
{
    public HealthOverview Overview { get; private set; } = null!;

    public string? Cursor { get; private set; }

    public bool CursorRefused { get; private set; }

    public async Task OnGetAsync(string? cursor)
    {
        var after = cursor is null ? null : GetHealthOverview.ParseCursor(cursor);
        CursorRefused = cursor is not null && after is null;
        Cursor = after is null ? null : cursor;
        Overview = await GetHealthOverview.QueryAsync(db, time.GetUtcNow(), after, Paging.DefaultLimit, HttpContext.RequestAborted);
        var nameless = Overview.Waiting.Items.Where(w => w.Name is null).Select(w => w.CustomerId).ToList();
        var identifiers = await db.CustomerIdentifiers.AsNoTracking()
            .Where(i => nameless.Contains(i.CustomerId) && (i.Type == IdentifierTypes.Email || i.Type == IdentifierTypes.Phone))
            .Select(i => new { i.CustomerId, i.Type, i.Value })
            .ToListAsync(HttpContext.RequestAborted);
        IdentifierOfNameless = identifiers.GroupBy(i => i.CustomerId)
            .ToDictionary(g => g.Key, g => g.OrderBy(i => i.Type == IdentifierTypes.Email ? 0 : 1).ThenBy(i => i.Value, StringComparer.Ordinal).First().Value);
    }

    /// <summary>How the list names a customer: their name, else an e-mail address or phone number, else their id.</summary>
    public string LabelOf(WaitingCustomer customer) =>
        customer.Name ?? IdentifierOfNameless.GetValueOrDefault(customer.CustomerId) ?? customer.CustomerId.ToString();

    private Dictionary<Guid, string> IdentifierOfNameless { get; set; } = [];
}
