using System.Net.Sockets;

namespace Hub.Testing.Servers.Tests;

public sealed class RabbitMqServerTests
{
    private const int ConnectionClass = 10;
    private const int StartMethod = 10;

    [Fact]
    public async Task RabbitMq_server_answers_the_amqp_handshake()
    {
        await using var server = await RabbitMqServer.StartAsync();

        Assert.Equal(new Uri($"amqp://guest:guest@127.0.0.1:{server.AmqpPort}/"), server.AmqpUri);
        Assert.Equal((ConnectionClass, StartMethod), await AmqpHandshake.FirstMethodAsync(server.AmqpPort));
    }

    [Fact]
    public async Task RabbitMq_server_refuses_connections_when_stopped_and_serves_the_same_port_when_started_again()
    {
        await using var server = await RabbitMqServer.StartAsync();
        var port = server.AmqpPort;

        await server.StopAsync();
        Assert.Equal(SocketError.ConnectionRefused, await LoopbackPort.ConnectAsync(port));

        await server.StartAgainAsync();
        Assert.Equal(port, server.AmqpPort);
        Assert.Equal((ConnectionClass, StartMethod), await AmqpHandshake.FirstMethodAsync(port));
    }

    [Fact]
    public async Task Disposing_a_rabbitmq_server_stops_it_and_may_be_repeated()
    {
        var server = await RabbitMqServer.StartAsync();
        var port = server.AmqpPort;

        await server.DisposeAsync();
        await server.DisposeAsync();

        Assert.Equal(SocketError.ConnectionRefused, await LoopbackPort.ConnectAsync(port));
    }
}
