using System.Net.Sockets;

namespace Hub.Contracts.Connectors;

/// <summary>
/// TCP connections for a connector that speaks another protocol than HTTP (IMAP, SMTP), under the same SSRF guard as
/// <see cref="HubHttpClients.Outbound"/>: the host resolves the name, refuses it when any address is internal (loopback,
/// link-local, private, ...) and not in <c>Hub:Outbound:AllowedNetworks</c>, and connects to exactly the addresses it
/// checked, so a DNS server answering differently the second time cannot redirect the connection.
/// </summary>
public interface IOutboundConnections
{
    /// <summary>A socket connected to <paramref name="host"/>:<paramref name="port"/>; the caller owns it.</summary>
    /// <exception cref="OutboundAddressRefusedException">The host is (or resolves to) an address that is not allowed.</exception>
    Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken);
}
