using Hub.Core.Identity;

namespace Hub.Server.Identity;

internal static class IdentityExtensions
{
    /// <summary>Normalization with the default phone region from <c>Hub:Identity:DefaultRegion</c> (ISO 3166, default US).</summary>
    public static IServiceCollection AddHubIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var region = configuration["Hub:Identity:DefaultRegion"] ?? "US";
        if (region.Length != 2 || !region.All(char.IsAsciiLetter))
        {
            throw new InvalidOperationException($"Hub:Identity:DefaultRegion must be an ISO 3166 two-letter region such as US or ES (got '{region}').");
        }
        services.AddSingleton(new IdentifierNormalizer(region));
        services.AddSingleton<TouchpointNormalizer>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
