using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Hub.Server.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>, or HTTP Basic with the key as the password (any user name) for
/// callers that can only put credentials in a URL, such as Twilio fetching caller TwiML from
/// <c>https://hub:KEY@hub.example.com/api/context/twiml</c>. A missing or unknown key gets 401 problem+json.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore store,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>A claim per scope the key has; <see cref="FullAccess"/> for a key with no scopes listed.</summary>
    public const string ScopeClaim = "hub:api-scope";

    public const string FullAccess = "*";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..]
            : header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? BasicPassword(header["Basic ".Length..])
            : null;
        if (key is null)
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>' (or Basic with the key as the password).");
        }
        var match = await store.MatchAsync(key, Context.RequestAborted);
        if (match is null)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, match.Name)], SchemeName);
        identity.AddClaims(match.Scopes.Count == 0 ? [new Claim(ScopeClaim, FullAccess)] : match.Scopes.Select(s => new Claim(ScopeClaim, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private static string? BasicPassword(string encoded)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Trim()));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : text[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        // Basic is offered too: a client such as Twilio sends the credentials of a URL only when challenged for them.
        Response.Headers.WWWAuthenticate = new Microsoft.Extensions.Primitives.StringValues(["Bearer", "Basic realm=\"hub\""]);
        var result = await HandleAuthenticateOnceSafeAsync();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "An API key is required",
                Detail = result.Failure?.Message ?? "Send 'Authorization: Bearer <api key>'. Keys come from Hub:ApiKeys:<name>.",
            },
        });
    }
}
