using System.Net.Sockets;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Hub.Testing.Servers.Tests;

/// <summary>
/// An Erlang node takes many seconds of both cores to start and to stop, so the tests that only use a running node share
/// one (<see cref="RunningNode"/>), and one test goes through a node's whole life: stop, start again, dispose twice.
/// </summary>
public sealed class RabbitMqServerTests(RabbitMqServerTests.RunningNode node) : IClassFixture<RabbitMqServerTests.RunningNode>
{
    private const int ConnectionClass = 10;
    private const int StartMethod = 10;

    [Fact]
    public async Task RabbitMq_server_answers_the_amqp_handshake()
    {
        var server = node.Server;

        Assert.Equal(new Uri($"amqp://guest:guest@127.0.0.1:{server.AmqpPort}/"), server.AmqpUri);
        Assert.Equal((ConnectionClass, StartMethod), await AmqpHandshake.FirstMethodAsync(server.AmqpPort));
    }

    [Fact]
    public async Task Each_virtual_host_has_its_own_queues_and_guest_may_use_it()
    {
        var server = node.Server;

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
    public async Task RabbitMq_server_refuses_connections_when_stopped_serves_the_same_port_when_started_again_and_disposing_stops_it_and_may_be_repeated()
    {
        var server = await RabbitMqServer.StartAsync();
        var port = server.AmqpPort;
        try
        {
            await server.StopAsync();
            Assert.Equal(SocketError.ConnectionRefused, await LoopbackPort.ConnectAsync(port));

            await server.StartAgainAsync();
            Assert.Equal(port, server.AmqpPort);
            Assert.Equal((ConnectionClass, StartMethod), await AmqpHandshake.FirstMethodAsync(port));
        }
        finally
        {
            await server.DisposeAsync();
            await server.DisposeAsync();
        }

        Assert.Equal(SocketError.ConnectionRefused, await LoopbackPort.ConnectAsync(port));
    }

    /// <summary>One node for the tests that only need it running.</summary>
    public sealed class RunningNode : IAsyncLifetime
    {
        public RabbitMqServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await RabbitMqServer.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
