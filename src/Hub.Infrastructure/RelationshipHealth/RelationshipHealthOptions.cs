using System.ComponentModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Infrastructure.RelationshipHealth;

/// <summary>
/// <c>Hub:RelationshipHealth:Enabled</c> (default true): whether resolution keeps <c>customer_health</c>. Off only
/// to measure what it costs; customers resolved while it was off keep stale health (see docs/relationship-health.md).
/// </summary>
public sealed class RelationshipHealthOptions
{
    public const string Section = "Hub:RelationshipHealth";

    [Description("Keep `customer_health` in the resolution transaction. `false` only to measure its cost; customers resolved while it is off keep stale health (docs/relationship-health.md).")]
    public bool Enabled { get; set; } = true;

    public static RelationshipHealthOptions Default { get; } = new();
}

public static class RelationshipHealthExtensions
{
    public static IServiceCollection AddRelationshipHealthMaintenance(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new RelationshipHealthOptions();
        configuration.GetSection(RelationshipHealthOptions.Section).Bind(options);
        services.AddSingleton(options);
        return services;
    }
}
