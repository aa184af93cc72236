using Hub.Infrastructure.Persistence;
using Hub.Server.Api;
using Hub.Server.Api.RelationshipHealth;
using Microsoft.AspNetCore.Mvc.RazorPages;

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
    }
}
