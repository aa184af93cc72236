using System.Net;
using System.Net.Sockets;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Configuration;

namespace Hub.Infrastructure.Outbound;

/// <summary>
/// SSRF guard: outbound connections go only to public addresses, unless a network is explicitly allowed.
/// Checked after DNS resolution, on every address a name resolves to, and the connection is made to the
/// checked address (no second lookup that a rebinding DNS server could answer differently). The HTTP clients use it
/// as their connect callback, connectors of other protocols (IMAP, SMTP) as <see cref="IOutboundConnections"/>.
/// </summary>
public sealed class OutboundAddressGuard : IOutboundConnections
{
    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this" network, unspecified
        IPNetwork.Parse("10.0.0.0/8"),       // private
        IPNetwork.Parse("100.64.0.0/10"),    // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local, cloud metadata (169.254.169.254)
        IPNetwork.Parse("172.16.0.0/12"),    // private
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments
        IPNetwork.Parse("192.168.0.0/16"),   // private
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, broadcast
        IPNetwork.Parse("::/128"),           // unspecified
        IPNetwork.Parse("::1/128"),          // loopback
        IPNetwork.Parse("fc00::/7"),         // unique local
        IPNetwork.Parse("fe80::/10"),        // link-local
        IPNetwork.Parse("ff00::/8"),         // multicast
    ];

    private readonly IPNetwork[] _allowed;

    public OutboundAddressGuard(OutboundOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowed = [.. options.AllowedNetworks
            .SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(n => IPNetwork.TryParse(n, out var network)
                ? network
                : throw new HubConfigurationException($"Hub:Outbound:AllowedNetworks: '{n}' is not a CIDR network such as 10.0.0.0/8."))];
    }

    public bool IsPermitted(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return _allowed.Any(n => n.Contains(address)) || !Internal.Any(n => n.Contains(address));
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/> that enforces the guard.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new NetworkStream(await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken), ownsSocket: true);
    }

    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var refused = addresses.Where(a => !IsPermitted(a)).ToList();
        if (addresses.Length == 0 || refused.Count > 0)
        {
            throw new OutboundAddressRefusedException(
                $"Outbound call to '{host}' refused: it resolves to {string.Join(", ", refused)}, an internal address. " +
                "List the network in Hub:Outbound:AllowedNetworks to allow it.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
