using System.Net;
using System.Net.Sockets;

namespace Hub.Testing.Servers.Tests;

/// <summary>The first step of an AMQP 0-9-1 connection, done by hand so the tests need no client library.</summary>
internal static class AmqpHandshake
{
    /// <summary>Sends the protocol header and returns the (class id, method id) of the broker's first method frame.</summary>
    public static async Task<(int ClassId, int MethodId)> FirstMethodAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray());

        var frame = new byte[11];
        await stream.ReadExactlyAsync(frame).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, frame[0]); // method frame
        return ((frame[7] << 8) | frame[8], (frame[9] << 8) | frame[10]);
    }
}
