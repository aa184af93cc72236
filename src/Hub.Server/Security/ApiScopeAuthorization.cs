using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Hub.Server.Security;

/// <summary>An endpoint's need for an API key with <see cref="Scope"/> (or one with no scopes listed).</summary>
internal sealed record ApiScopeRequirement(string Scope) : IAuthorizationRequirement;

internal sealed class ApiScopeAuthorizationHandler : AuthorizationHandler<ApiScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiScopeRequirement requirement)
    {
        if (context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, requirement.Scope)
            || context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiKeyAuthenticationHandler.FullAccess))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// A valid key used outside its scopes gets 403 problem+json naming the scope it lacks (a missing or unknown key still
/// gets the 401 of <see cref="ApiKeyAuthenticationHandler"/>). Every other outcome is left to ASP.NET Core's handler.
/// </summary>
internal sealed class ApiScopeForbiddenResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ApiScopeRequirement>().FirstOrDefault() is { } missing)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "The API key lacks a scope",
                    Detail = $"This API key may not do this: it needs the scope '{missing.Scope}'. An admin can create a key with that scope on the API keys page, or list it in Hub:ApiKeyScopes:<name>.",
                    Extensions = { ["missingScope"] = missing.Scope },
                },
            });
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
