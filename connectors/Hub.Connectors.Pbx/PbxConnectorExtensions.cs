using Hub.Contracts.Connectors;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Connectors.Pbx;

/// <summary>The connector's one public door.</summary>
public static class PbxConnectorExtensions
{
    /// <summary>Adds the generic PBX call-record webhook connector (kind <c>pbx</c>).</summary>
    public static IServiceCollection AddPbxConnector(this IServiceCollection services) =>
        services.AddConnector<PbxConnector>();
}
