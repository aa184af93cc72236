using System.Net.Sockets;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Conformance;

/// <summary>
/// Plain TCP connections, standing in for the host's guarded <see cref="IOutboundConnections"/> (whose SSRF guard
/// refuses loopback unless configured to allow it); or, with <see cref="Refusing"/>, one that refuses every address.
/// </summary>
public sealed class DirectOutboundConnections : IOutboundConnections
{
    /// <summary>The guard's answer to an address outside the allowed networks, for every host.</summary>
    public static IOutboundConnections Refusing { get; } = new RefusingConnections();

    /// <inheritdoc />
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class RefusingConnections : IOutboundConnections
    {
        public Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken) =>
            throw new OutboundAddressRefusedException(
                $"Outbound call to '{host}' refused: it resolves to {host}, an internal address. List the network in Hub:Outbound:AllowedNetworks to allow it.");
    }
}
