using System.Net;
using System.Net.Sockets;

namespace Hub.Testing.Servers;

/// <summary>Checks that a broker really speaks AMQP 0-9-1 on a port, not just that the port is open.</summary>
internal static class AmqpProbe
{
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();

    /// <summary>Sends the protocol header and expects a Connection.Start method frame (class 10, method 10) back.</summary>
    public static async Task<bool> IsServingAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(ProtocolHeader, timeout.Token);

            // Frame header (type 1, channel 0, size) followed by class id and method id.
            var reply = new byte[11];
            await stream.ReadExactlyAsync(reply, timeout.Token);
            return reply[0] == 1 && reply[1] == 0 && reply[2] == 0
                && reply[7] == 0 && reply[8] == 10 && reply[9] == 0 && reply[10] == 10;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
