using Hub.Infrastructure.Persistence;
using Hub.Server.Admin.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin;

/// <summary>Admin accounts: add one, change its role, reset its password or remove it; each change ends the account's sessions and is audited.</summary>
public sealed class UsersModel(AdminAccounts accounts) : PageModel
{
    public IReadOnlyList<AdminUserRow> Users { get; private set; } = [];

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? notice)
    {
        Notice = notice;
        Users = await accounts.ListAsync(HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? role) =>
        await DoneAsync(await accounts.CreateAsync(email, password, role ?? "", Actor, HttpContext.RequestAborted), $"Account {email?.Trim().ToLowerInvariant()} created.");

    public async Task<IActionResult> OnPostRoleAsync(string? email, string? role) =>
        await DoneAsync(await accounts.ChangeRoleAsync(email, role, Actor, HttpContext.RequestAborted), $"{email} is now {role}; their sessions were ended.");

    public async Task<IActionResult> OnPostPasswordAsync(string? email, string? password) =>
        await DoneAsync(await accounts.ResetPasswordAsync(email, password, Actor, HttpContext.RequestAborted), $"The password of {email} was reset; their sessions were ended.");

    public async Task<IActionResult> OnPostRemoveAsync(string? email) =>
        await DoneAsync(await accounts.RemoveAsync(email, Actor, HttpContext.RequestAborted), $"Account {email} removed; their sessions were ended.");

    private string Actor => User.Identity!.Name!;

    private async Task<IActionResult> DoneAsync(IReadOnlyList<string> problems, string notice)
    {
        if (problems.Count == 0)
        {
            return Redirect("/admin/users?notice=" + Uri.EscapeDataString(notice));
        }
        Problems = problems;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Users = await accounts.ListAsync(HttpContext.RequestAborted);
        return Page();
    }
}
