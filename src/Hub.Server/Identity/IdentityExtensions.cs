using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Resolution;

namespace Hub.Server.Identity;

internal static class IdentityExtensions
{
    /// <summary>
    /// Normalization with the default phone region from <c>Hub:Identity:DefaultRegion</c> (ISO 3166, default US),
    /// merge protection and survivorship from <c>Hub:Identity</c>.
    /// </summary>
    public static IServiceCollection AddHubIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var region = configuration["Hub:Identity:DefaultRegion"] ?? "US";
        if (!PhoneRegion.IsValid(region))
        {
            throw new HubConfigurationException($"Hub:Identity:DefaultRegion must be an ISO 3166 two-letter region such as US or ES (got '{region}').");
        }
        var normalizer = new IdentifierNormalizer(region, IdentityConfiguration.Email(configuration));
        services.AddSingleton(normalizer);
        services.AddSingleton(IdentityConfiguration.Rules(configuration, normalizer));
        services.AddSingleton(IdentityConfiguration.Survivorship(configuration));
        services.AddSingleton<TouchpointNormalizer>();
        services.AddScoped<CustomerSplitter>();
        services.AddScoped<CustomerMerger>();
        services.AddScoped<DuplicateSuggestions>();
        services.AddScoped<DuplicateDismissals>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
