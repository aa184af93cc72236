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

    /// <summary>Set when the e-mail is locked out: how long until it may try again.</summary>
    public TimeSpan? LockedFor { get; private set; }

    public bool SingleSignOn => OpenIdConnectSignIn.IsConfigured(configuration);

    public void OnGet(string? returnUrl) => ReturnUrl = Safe(returnUrl);

    public async Task<IActionResult> OnPostAsync(
        string? email, string? password, string? returnUrl, [FromServices] AdminAccounts accounts, [FromServices] SignInThrottle throttle)
    {
        ReturnUrl = Safe(returnUrl);
        Email = email;
        // A locked e-mail is refused before its password is looked at: the right password does not get through either.
        if (throttle.LockedFor(email) is { } locked)
        {
            return Locked(locked);
        }
        var principal = await accounts.SignInAsync(email, password, AdminUiExtensions.CookieScheme, HttpContext.RequestAborted);
        if (principal is null)
        {
            throttle.Failed(email);
            if (throttle.LockedFor(email) is { } lockedNow)
            {
                return Locked(lockedNow);
            }
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        throttle.Succeeded(email);
        await HttpContext.SignInAsync(AdminUiExtensions.CookieScheme, principal);
        return LocalRedirect(ReturnUrl);
    }

    public IActionResult OnPostSingleSignOn(string? returnUrl) =>
        SingleSignOn ? Challenge(new AuthenticationProperties { RedirectUri = Safe(returnUrl) }, OpenIdConnectSignIn.Scheme) : NotFound();

    private PageResult Locked(TimeSpan remaining)
    {
        LockedFor = remaining;
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        Response.Headers.RetryAfter = ((int)Math.Ceiling(remaining.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }

    private string Safe(string? returnUrl) => Url.IsLocalUrl(returnUrl) ? returnUrl! : "/admin";
}
