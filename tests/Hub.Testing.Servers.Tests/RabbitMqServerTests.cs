using System.Net.Sockets;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

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
    public async Task Each_virtual_host_has_its_own_queues_and_guest_may_use_it()
    {
        await using var server = await RabbitMqServer.StartAsync();

        var first = await server.CreateVirtualHostAsync("hubtest-first");
        var second = await server.CreateVirtualHostAsync("hubtest-second");

        Assert.Equal(new Uri($"amqp://guest:guest@127.0.0.1:{server.AmqpPort}/hubtest-first"), first);
        await using (var connection = await new ConnectionFactory { Uri = first }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("only-in-first", durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync("", "only-in-first", "hello"u8.ToArray());
        }
        await using (var connection = await new ConnectionFactory { Uri = first }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            Assert.Equal(1u, (await channel.QueueDeclarePassiveAsync("only-in-first")).MessageCount);
        }
        await using (var connection = await new ConnectionFactory { Uri = second }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var missing = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.QueueDeclarePassiveAsync("only-in-first"));
            Assert.Equal(404, missing.ShutdownReason!.ReplyCode);
        }
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
