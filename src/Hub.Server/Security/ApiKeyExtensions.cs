using Hub.Infrastructure.Configuration;
using Microsoft.AspNetCore.Authentication;

namespace Hub.Server.Security;

internal static class ApiKeyExtensions
{
    public const string ApiPolicy = "api";

    public static IServiceCollection AddHubApiKeys(this IServiceCollection services, IConfiguration configuration)
    {
        if (ApiKeyStore.Problems(configuration) is { Count: > 0 } problems)
        {
            throw new HubConfigurationException(string.Join(" ", problems));
        }
        services.AddSingleton<ApiKeyStore>();
        services.AddHostedService<ApiKeyBootstrapper>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        return services;
    }
}
