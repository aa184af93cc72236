using Hub.Server.Admin;
using Hub.Server.Admin.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin;

/// <summary>The one-time setup link printed at the first start when <c>Hub:Admin</c> names no first admin.</summary>
public sealed class SetupModel : PageModel
{
    public string? Token { get; private set; }

    public bool Valid { get; private set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? token, [FromServices] FirstAdmin firstAdmin, [FromServices] AdminAccounts accounts)
    {
        Token = token;
        Valid = await firstAdmin.IsSetupTokenAsync(token, HttpContext.RequestAborted) && !await accounts.AnyAsync(HttpContext.RequestAborted);
        if (!Valid)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? token, string? email, string? password, [FromServices] FirstAdmin firstAdmin, [FromServices] AdminAccounts accounts)
    {
        Token = token;
        var claimed = await accounts.AnyAsync(HttpContext.RequestAborted) ? null : await firstAdmin.ClaimAsync(token, HttpContext.RequestAborted);
        Valid = claimed is not null;
        if (claimed is not { } expiresAt)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        Problems = await accounts.CreateAsync(email, password, AdminRoles.Admin, "setup link", HttpContext.RequestAborted);
        if (Problems.Count > 0)
        {
            await firstAdmin.ReturnAsync(token!, expiresAt, CancellationToken.None);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await firstAdmin.SetupDoneAsync(HttpContext.RequestAborted);
        var principal = await accounts.SignInAsync(email, password, AdminUiExtensions.CookieScheme, HttpContext.RequestAborted);
        await HttpContext.SignInAsync(AdminUiExtensions.CookieScheme, principal!);
        return Redirect("/admin");
    }
}
