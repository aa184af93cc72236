using Hub.Infrastructure.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Hub.Server.Security;

internal static class ApiKeyExtensions
{
    private const string PolicyPrefix = "api:";

    /// <summary>The policy of endpoints that need an API key with that scope.</summary>
    public static string PolicyFor(string scope) => PolicyPrefix + scope;

    /// <summary>The scope a policy asks for, or null when it is not an API key policy.</summary>
    public static string? ScopeOf(string? policy) =>
        policy is not null && policy.StartsWith(PolicyPrefix, StringComparison.Ordinal) ? policy[PolicyPrefix.Length..] : null;

    /// <summary>Needs an API key that has <paramref name="scope"/> (or no scopes listed: full access).</summary>
    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PolicyFor(scope));

    public static IServiceCollection AddHubApiKeys(this IServiceCollection services, IConfiguration configuration)
    {
        if (ApiKeyStore.Problems(configuration) is { Count: > 0 } problems)
        {
            throw new HubConfigurationException(string.Join(" ", problems));
        }
        services.AddSingleton<ApiKeyStore>();
        services.AddHostedService<ApiKeyBootstrapper>();
        services.AddScoped<ApiKeyAdministration>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, ApiScopeAuthorizationHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiScopeForbiddenResultHandler>();
        var authorization = services.AddAuthorizationBuilder();
        foreach (var (scope, _) in ApiScopes.All)
        {
            authorization.AddPolicy(PolicyFor(scope), p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .AddRequirements(new ApiScopeRequirement(scope)));
        }
        return services;
    }
}
