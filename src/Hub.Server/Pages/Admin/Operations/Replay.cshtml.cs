using Hub.Infrastructure.FailedMessages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin.Operations;

/// <summary>An admin replays one failed message, all of them, or discards one (the same replayer, and audit, as the REST API).</summary>
public sealed class ReplayModel(FailedMessageReplayer replayer) : PageModel
{
    public string? Problem { get; private set; }

    public IActionResult OnGet() => Redirect("/admin/operations/failedmessages");

    public Task<IActionResult> OnPostAsync(long id) => RunAsync(async cancel =>
    {
        var change = await replayer.ReplayAsync(id, User.Identity!.Name!, cancel);
        if (change.Row is null || !change.Done)
        {
            return change.Row is null ? $"There is no failed message {id}." : $"Message {id} is {change.Row.Status}, not failed.";
        }
        return Done($"Message {id} was sent again to {change.Row.Queue}.");
    });

    public Task<IActionResult> OnPostAllAsync() => RunAsync(async cancel =>
    {
        var count = await replayer.ReplayAllAsync(User.Identity!.Name!, cancel);
        return Done($"{count} failed messages were sent again.");
    });

    public Task<IActionResult> OnPostDiscardAsync(long id) => RunAsync(async cancel =>
    {
        var change = await replayer.DiscardAsync(id, User.Identity!.Name!, cancel);
        if (change.Row is null || !change.Done)
        {
            return change.Row is null ? $"There is no failed message {id}." : $"Message {id} is {change.Row.Status}, not failed.";
        }
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
}
