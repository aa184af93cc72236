using Hub.Server.Admin.Accounts;
using Hub.Server.Admin.Connectors;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Hub.Server.Admin;

/// <summary>
/// The admin UI: server-rendered Razor Pages under <c>/admin</c>, cookie sign-in with local accounts (optionally OpenID
/// Connect), roles viewer and admin. Every page needs a signed-in viewer or admin except sign-in and setup; the pages that
/// change something need an admin.
/// </summary>
internal static class AdminUiExtensions
{
    public const string CookieScheme = "AdminCookie";

    public static IServiceCollection AddHubAdminUi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<AdminAccounts>();
        services.AddScoped<ConnectorList>();
        services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        services.AddSingleton<FirstAdmin>();
        services.AddHostedService(sp => sp.GetRequiredService<FirstAdmin>());
        var authentication = services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "hub-admin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/admin/signin";
            o.LogoutPath = "/admin/signout";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context => Challenge(context);
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        // Single sign-on signs into the same cookie, so the policies need only the cookie scheme.
        OpenIdConnectSignIn.Add(authentication, configuration);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminRoles.ViewPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(AdminRoles.Admin, AdminRoles.Viewer))
            .AddPolicy(AdminRoles.ChangePolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(AdminRoles.Admin));
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Admin", AdminRoles.ViewPolicy);
            o.Conventions.AllowAnonymousToPage("/Admin/SignIn");
            o.Conventions.AllowAnonymousToPage("/Admin/Setup");
            foreach (var page in ChangePages)
            {
                o.Conventions.AuthorizePage(page, AdminRoles.ChangePolicy);
            }
        });
        return services;
    }

    /// <summary>The pages that change something (every one of their handlers needs an admin).</summary>
    public static readonly IReadOnlyList<string> ChangePages =
    [
        "/Admin/Connectors/Edit",
        "/Admin/Customers/Split",
        "/Admin/Operations/Replay",
        "/Admin/Users",
    ];

    public static IEndpointRouteBuilder MapHubAdminUi(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        app.MapGet("/", () => Results.Redirect("/admin")).ExcludeFromDescription();
        return app;
    }

    /// <summary>A page asked for in the browser goes to sign-in; anything else (a form post, a script) gets a plain 401.</summary>
    private static Task Challenge(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
        return Task.CompletedTask;
    }
}
