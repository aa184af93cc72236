using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Pages.Admin.Operations;

public sealed class AuditModel(HubDbContext db) : PageModel
{
    public string? Subject { get; private set; }

    public IReadOnlyList<AuditEntryRow> Entries { get; private set; } = [];

    public async Task OnGetAsync(string? subject)
    {
        Subject = string.IsNullOrWhiteSpace(subject) ? null : subject.Trim();
        var query = db.AuditEntries.AsNoTracking();
        if (Subject is not null)
        {
            query = query.Where(e => e.Subject == Subject);
        }
        Entries = await query.OrderByDescending(e => e.Id).Take(500).ToListAsync(HttpContext.RequestAborted);
    }
}
