using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Pages.Admin;

public sealed class IndexModel(HubDbContext db, ConnectorInstances instances) : PageModel
{
    public int Connectors { get; private set; }

    public int Customers { get; private set; }

    public int Failed { get; private set; }

    public async Task OnGetAsync()
    {
        var cancel = HttpContext.RequestAborted;
        Connectors = instances.All.Count();
        Customers = await db.Customers.CountAsync(c => c.MergedIntoId == null, cancel);
        Failed = await db.FailedMessages.CountAsync(f => f.Status == FailedMessageStatus.Failed, cancel);
    }
}
