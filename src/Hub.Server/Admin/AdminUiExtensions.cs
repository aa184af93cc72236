using System.Globalization;
using System.Threading.RateLimiting;
using Hub.Server.Admin.Accounts;
using Hub.Server.Admin.Connectors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

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
        services.AddOptions<SignInThrottleOptions>().Bind(configuration.GetSection(SignInThrottleOptions.Section));
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInThrottleOptions>>((o, throttle) => LimitSignInsPerClient(o, throttle.Value));
        services.AddHostedService(sp => sp.GetRequiredService<FirstAdmin>());
        var authentication = services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "hub-admin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request came in over https, also through a trusted TLS-terminating proxy (Hub:ForwardedHeaders).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/admin/signin";
            o.LogoutPath = "/admin/signout";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = ValidateSession;
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
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Admin", AdminRoles.ViewPolicy);
            o.Conventions.AllowAnonymousToPage("/Admin/SignIn");
            // The sign-in page only: a global limiter would be asked about every webhook too.
            o.Conventions.AddPageApplicationModelConvention("/Admin/SignIn", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(SignInRateLimit)));
            o.Conventions.AllowAnonymousToPage("/Admin/Setup");
            foreach (var page in ChangePages)
            {
                o.Conventions.AuthorizePage(page, AdminRoles.ChangePolicy);
            }
        });
        return services;
    }

    private const string SignInRateLimit = "admin-sign-in";

    /// <summary>The pages that change something (every one of their handlers needs an admin).</summary>
    public static readonly IReadOnlyList<string> ChangePages =
    [
        "/Admin/ApiKeys",
        "/Admin/Connectors/Edit",
        "/Admin/Customers/Dismiss",
        "/Admin/Customers/Merge",
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

    /// <summary>
    /// Form posts to the sign-in page, per client address (as corrected by the forwarded headers of a trusted proxy):
    /// at most <see cref="SignInThrottleOptions.MaxAttemptsPerClient"/> per <see cref="SignInThrottleOptions.ClientWindow"/>.
    /// Applied to the sign-in page alone, so no other request meets a limiter.
    /// </summary>
    private static void LimitSignInsPerClient(RateLimiterOptions options, SignInThrottleOptions throttle)
    {
        options.AddPolicy(SignInRateLimit, context =>
            HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = throttle.MaxAttemptsPerClient,
                    Window = throttle.ClientWindow,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(""));
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = async (context, cancellationToken) =>
        {
            var response = context.HttpContext.Response;
            response.Headers.RetryAfter = ((int)Math.Ceiling(throttle.ClientWindow.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Results.Problem(
                detail: $"Too many sign-in attempts from this address; at most {throttle.MaxAttemptsPerClient} per {throttle.ClientWindow}. Try again later.",
                statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
        };
    }

    private static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : "unknown";

    /// <summary>
    /// A cookie counts only while its account exists with the same role and security stamp: signing out changes the stamp,
    /// so a copy of the cookie taken before is refused here, in every hub process, not only in the browser that signed out.
    /// </summary>
    private static async Task ValidateSession(CookieValidatePrincipalContext context)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AdminAccounts>();
        if (context.Principal is null || !await accounts.IsCurrentSessionAsync(context.Principal, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
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
