using Hub.Infrastructure.Audit;
using Hub.Infrastructure.FailedMessages;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin.Operations;

/// <summary>An admin replays one failed message, all of them, or discards one (the same replayer as the REST API); audited.</summary>
public sealed class ReplayModel(FailedMessageReplayer replayer, HubDbContext db, AuditLog audit) : PageModel
{
    public string? Problem { get; private set; }

    public IActionResult OnGet() => Redirect("/admin/operations/failedmessages");

    public Task<IActionResult> OnPostAsync(long id) => RunAsync(async cancel =>
    {
        var change = await replayer.ReplayAsync(id, cancel);
        if (change.Row is null || !change.Done)
        {
            return change.Row is null ? $"There is no failed message {id}." : $"Message {id} is {change.Row.Status}, not failed.";
        }
        await AuditAsync(AuditActions.FailedMessageReplayed, id.ToString(System.Globalization.CultureInfo.InvariantCulture), change.Row.Queue, cancel);
        return Done($"Message {id} was sent again to {change.Row.Queue}.");
    });

    public Task<IActionResult> OnPostAllAsync() => RunAsync(async cancel =>
    {
        var count = await replayer.ReplayAllAsync(cancel);
        await AuditAsync(AuditActions.FailedMessageReplayed, "all", $"{count} messages", cancel);
        return Done($"{count} failed messages were sent again.");
    });

    public Task<IActionResult> OnPostDiscardAsync(long id) => RunAsync(async cancel =>
    {
        var change = await replayer.DiscardAsync(id, cancel);
        if (change.Row is null || !change.Done)
        {
            return change.Row is null ? $"There is no failed message {id}." : $"Message {id} is {change.Row.Status}, not failed.";
        }
        await AuditAsync(AuditActions.FailedMessageDiscarded, id.ToString(System.Globalization.CultureInfo.InvariantCulture), change.Row.Queue, cancel);
        return Done($"Message {id} was discarded.");
    });

    private string? _redirect;

    private string? Done(string notice)
    {
        _redirect = "/admin/operations/failedmessages?notice=" + Uri.EscapeDataString(notice);
        return null;
    }

    private async Task<IActionResult> RunAsync(Func<CancellationToken, Task<string?>> action)
    {
        try
        {
            Problem = await action(HttpContext.RequestAborted);
        }
        catch (ReplayUnavailableException e)
        {
            Problem = e.Message;
        }
        if (Problem is null && _redirect is not null)
        {
            return Redirect(_redirect);
        }
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task AuditAsync(string action, string subject, string detail, CancellationToken cancellationToken)
    {
        audit.Add(db, User.Identity!.Name!, action, subject, detail);
        await db.SaveChangesAsync(cancellationToken);
    }
}
