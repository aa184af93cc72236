using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Pages.Admin.Operations;

public sealed class FailedMessagesModel(HubDbContext db) : PageModel
{
    public string Status { get; private set; } = FailedMessageStatus.Failed;

    public string? Notice { get; private set; }

    public IReadOnlyList<FailedMessageRow> Items { get; private set; } = [];

    public async Task OnGetAsync(string? status, string? notice)
    {
        Status = status is not null && FailedMessageStatus.All.Contains(status) ? status : FailedMessageStatus.Failed;
        Notice = notice;
        Items = await db.FailedMessages.AsNoTracking().Where(f => f.Status == Status).OrderByDescending(f => f.Id).Take(200).ToListAsync(HttpContext.RequestAborted);
    }
}
