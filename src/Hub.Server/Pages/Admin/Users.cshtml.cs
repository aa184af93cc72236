using Hub.Infrastructure.Persistence;
using Hub.Server.Admin.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin;

public sealed class UsersModel(AdminAccounts accounts) : PageModel
{
    public IReadOnlyList<AdminUserRow> Users { get; private set; } = [];

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public string? Created { get; private set; }

    public async Task OnGetAsync(string? created)
    {
        Created = created;
        Users = await accounts.ListAsync(HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? role)
    {
        Problems = await accounts.CreateAsync(email, password, role ?? "", User.Identity!.Name!, HttpContext.RequestAborted);
        if (Problems.Count == 0)
        {
            return Redirect("/admin/users?created=" + Uri.EscapeDataString(email!.Trim().ToLowerInvariant()));
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Users = await accounts.ListAsync(HttpContext.RequestAborted);
        return Page();
    }
}
