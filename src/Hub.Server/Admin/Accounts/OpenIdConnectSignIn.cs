using System.Security.Claims;
using Hub.Infrastructure.Configuration;
using Microsoft.AspNetCore.Authentication;

namespace Hub.Server.Admin.Accounts;

/// <summary>
/// Optional single sign-on with OpenID Connect, on when <c>Hub:Admin:OpenIdConnect:Authority</c> and <c>ClientId</c> are set.
/// The provider proves who the person is; the hub's own account list decides the role: an e-mail without an account
/// here is refused, so an admin adds people (with any password, or none they know) before they can use SSO.
/// </summary>
[ConfigurationKey("Authority", "Optional single sign-on: the OpenID Connect provider's issuer URL. Single sign-on is on when this and `ClientId` are set; the hub's own account list still decides the role.")]
[ConfigurationKey("ClientId", "The hub's client id at the OpenID Connect provider (redirect URI `/admin/signin-oidc`).")]
[ConfigurationKey("ClientSecret", "The client secret at the OpenID Connect provider.")]
internal static class OpenIdConnectSignIn
{
    public const string Scheme = "AdminOidc";
    public const string Section = "Hub:Admin:OpenIdConnect";

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{Section}:Authority"]) && !string.IsNullOrWhiteSpace(configuration[$"{Section}:ClientId"]);

    public static bool Add(AuthenticationBuilder authentication, IConfiguration configuration)
    {
        if (!IsConfigured(configuration))
        {
            return false;
        }
        var section = configuration.GetSection(Section);
        authentication.AddOpenIdConnect(Scheme, "Single sign-on", o =>
        {
            o.SignInScheme = AdminUiExtensions.CookieScheme;
            o.Authority = section["Authority"];
            o.ClientId = section["ClientId"];
            o.ClientSecret = section["ClientSecret"];
            o.ResponseType = "code";
            o.CallbackPath = "/admin/signin-oidc";
            o.Scope.Add("email");
            o.Events.OnTokenValidated = async context =>
            {
                var email = context.Principal?.FindFirstValue(ClaimTypes.Email) ?? context.Principal?.FindFirstValue("email");
                var accounts = context.HttpContext.RequestServices.GetRequiredService<AdminAccounts>();
                if (await accounts.PrincipalOfAsync(email, AdminUiExtensions.CookieScheme, context.HttpContext.RequestAborted) is not { } principal)
                {
                    context.Fail($"{email ?? "This account"} has no account in the hub; an admin adds it under Users.");
                    return;
                }
                context.Principal = principal;
            };
        });
        return true;
    }
}
