using System.Net;
using System.Net.Sockets;

namespace Hub.Testing.Servers.Tests;

internal static class LoopbackPort
{
    /// <summary>Tries to connect to 127.0.0.1:<paramref name="port"/>; Success or the socket error (ConnectionRefused once a server is gone).</summary>
    public static async Task<SocketError> ConnectAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }
}
