using Hub.Contracts.Connectors;
using Hub.Infrastructure.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Integration.Tests.Outbound;

/// <summary>The hub's real outbound HTTP client, built from configuration as the host builds it.</summary>
internal static class OutboundClient
{
    public static (HttpClient Client, ServiceProvider Services) Create(Dictionary<string, string?> settings, string name = HubHttpClients.Outbound)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddHubOutboundHttp(configuration).BuildServiceProvider();
        return (services.GetRequiredService<IHttpClientFactory>().CreateClient(name), services);
    }

    public static bool WasRefusedAsInternal(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OutboundAddressRefusedException)
            {
                return true;
            }
        }
        return false;
    }
}
