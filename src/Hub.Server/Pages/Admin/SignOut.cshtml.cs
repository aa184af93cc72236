using Hub.Server.Admin;
using Hub.Server.Admin.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin;

public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Admin/Index");

    /// <summary>Ends the account's sessions on the server too, so a copy of the cookie stops working as well.</summary>
    public async Task<IActionResult> OnPostAsync([FromServices] AdminAccounts accounts)
    {
        await accounts.EndSessionsAsync(User.Identity?.Name, HttpContext.RequestAborted);
        await HttpContext.SignOutAsync(AdminUiExtensions.CookieScheme);
        return Redirect("/admin/signin");
    }
}
