using System.ComponentModel;
using System.Net;
using Hub.Infrastructure.Configuration;
using Microsoft.AspNetCore.HttpOverrides;

namespace Hub.Server.Hosting;

/// <summary><c>Hub:ForwardedHeaders</c>: which reverse proxies in front of the hub are believed about the client (deploy/README.md, "TLS and proxies").</summary>
internal sealed class TrustedProxyOptions
{
    public const string Section = "Hub:ForwardedHeaders";

    [Description("Addresses (`10.0.0.5`) or networks (`172.30.0.0/24`) of reverse proxies whose `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host` the hub believes: the client's address, `https` and the public host then count for webhook URLs, Secure cookies and sign-in limits. Loopback is always trusted; headers from any other sender are ignored.")]
    public List<string> TrustedProxies { get; set; } = [];
}

/// <summary>
/// Makes <c>Request.Scheme</c>, <c>Host</c> and <c>RemoteIpAddress</c> the client's when the request came through a trusted
/// proxy (one hop: the proxy's own <c>X-Forwarded-*</c> entry). ASP.NET Core's defaults trust loopback; the configured
/// proxies are added to them.
/// </summary>
internal static class ForwardedHeadersSetup
{
    public static IServiceCollection AddHubForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var trusted = configuration.GetSection(TrustedProxyOptions.Section).Get<TrustedProxyOptions>() ?? new TrustedProxyOptions();
        var (proxies, networks) = Parse(trusted.TrustedProxies);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(proxy);
            }
            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    /// <summary>The entries as addresses and networks; an entry that is neither stops the start, naming the option.</summary>
    internal static (IReadOnlyList<IPAddress> Proxies, IReadOnlyList<System.Net.IPNetwork> Networks) Parse(IEnumerable<string> entries)
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var (entry, i) in entries.Select((e, i) => (e.Trim(), i)))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                proxies.Add(address);
            }
            else
            {
                throw new HubConfigurationException(
                    $"{TrustedProxyOptions.Section}:TrustedProxies:{i} ('{entry}') is neither an IP address nor a network such as 172.30.0.0/24.");
            }
        }
        return (proxies, networks);
    }
}
