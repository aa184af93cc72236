using Hub.Server.Admin;
using Hub.Server.Admin.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin;

public sealed class SignInModel(IConfiguration configuration) : PageModel
{
    public string? Email { get; private set; }

    public string ReturnUrl { get; private set; } = "/admin";

    public bool Failed { get; private set; }

    public bool SingleSignOn => OpenIdConnectSignIn.IsConfigured(configuration);

    public void OnGet(string? returnUrl) => ReturnUrl = Safe(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl, [FromServices] AdminAccounts accounts)
    {
        ReturnUrl = Safe(returnUrl);
        var principal = await accounts.SignInAsync(email, password, AdminUiExtensions.CookieScheme, HttpContext.RequestAborted);
        if (principal is null)
        {
            Email = email;
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(AdminUiExtensions.CookieScheme, principal);
        return LocalRedirect(ReturnUrl);
    }

    public IActionResult OnPostSingleSignOn(string? returnUrl) =>
        SingleSignOn ? Challenge(new AuthenticationProperties { RedirectUri = Safe(returnUrl) }, OpenIdConnectSignIn.Scheme) : NotFound();

    private string Safe(string? returnUrl) => Url.IsLocalUrl(returnUrl) ? returnUrl! : "/admin";
}
