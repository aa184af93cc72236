using System.Collections.Concurrent;
using System.Diagnostics;
using Hub.Benchmarks.Measurement;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Hub.Benchmarks.Ceilings;

/// <summary>
/// What the broker alone does with the hub's traffic pattern: each of <c>publishers</c> concurrent
/// senders publishes one persistent message to a durable queue and waits for the broker's confirm (as
/// every webhook request does), while one consumer per hub, with the hub's prefetch, acks each message.
/// </summary>
internal static class RabbitMqCeiling
{
    private const string Queue = "bench-ceiling";

    /// <summary>As the hub's messages are sent: persistent, with MassTransit's content type.</summary>
    private static readonly BasicProperties PersistentMessage = new() { Persistent = true, ContentType = "application/vnd.masstransit+json" };

    public static async Task<BrokerCeiling> MeasureAsync(Uri amqp, int publishers, int consumers, int prefetch, int messageBytes, TimeSpan duration, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = amqp };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var setup = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await setup.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);

        long acked = 0, lastAck = 0;
        var channels = new List<IChannel>();
        try
        {
            for (var i = 0; i < consumers; i++)
            {
                var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                channels.Add(channel);
                await channel.BasicQosAsync(0, (ushort)prefetch, global: false, cancellationToken);
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += async (_, delivery) =>
                {
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
                    Interlocked.Increment(ref acked);
                    Interlocked.Exchange(ref lastAck, Stopwatch.GetTimestamp());
                };
                await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, cancellationToken);
            }

            await using var publishChannel = await ConfirmingChannelAsync(connection, cancellationToken);
            var body = RandomBody(messageBytes);
            long published = 0;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, publishers).Select(async _ =>
            {
                while (Stopwatch.GetElapsedTime(started) < duration)
                {
                    await publishChannel.BasicPublishAsync(string.Empty, Queue, mandatory: true, PersistentMessage, body, cancellationToken);
                    Interlocked.Increment(ref published);
                }
            }));

            var drainDeadline = Stopwatch.StartNew();
            while (Interlocked.Read(ref acked) < published && drainDeadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(10, cancellationToken);
            }
            var seconds = Stopwatch.GetElapsedTime(started, Interlocked.Read(ref lastAck)).TotalSeconds;
            var count = Interlocked.Read(ref acked);
            return new BrokerCeiling(count, seconds, count / seconds, publishers, consumers, prefetch, messageBytes);
        }
        finally
        {
            foreach (var channel in channels)
            {
                await channel.CloseAsync(CancellationToken.None);
                channel.Dispose();
            }
            await setup.QueueDeleteAsync(Queue, ifUnused: false, ifEmpty: false, cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>
    /// The broker's own share of an ingress answer: persistent messages published at a steady <paramref name="perSecond"/>,
    /// each on its own (as the hub's webhook requests are), with the time from publish to the broker's confirm; one
    /// consumer acks them as the hub's would. Run at the hub's latency-phase rate, it is the floor of the hub's ingress latency.
    /// </summary>
    public static async Task<BrokerLatency> MeasureConfirmLatencyAsync(Uri amqp, double perSecond, int messageBytes, TimeSpan duration, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = amqp };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        try
        {
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) => await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
            await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, cancellationToken);

            await using var publishChannel = await ConfirmingChannelAsync(connection, cancellationToken);
            var body = RandomBody(messageBytes);
            var latencies = new ConcurrentBag<double>();
            var publishes = new List<Task>();
            var interval = TimeSpan.FromSeconds(1 / perSecond);
            var started = Stopwatch.GetTimestamp();
            for (var n = 0; Stopwatch.GetElapsedTime(started) < duration; n++)
            {
                var due = interval * n - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken);
                }
                publishes.Add(PublishAsync());
            }
            await Task.WhenAll(publishes);
            return new BrokerLatency(perSecond, messageBytes, LatencySummary.Of(latencies));

            async Task PublishAsync()
            {
                var sent = Stopwatch.GetTimestamp();
                await publishChannel.BasicPublishAsync(string.Empty, Queue, mandatory: true, PersistentMessage, body, cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }
        finally
        {
            await channel.QueueDeleteAsync(Queue, ifUnused: false, ifEmpty: false, cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>A channel whose publishes complete once the broker confirmed them, as the hub's ingress waits for.</summary>
    private static Task<IChannel> ConfirmingChannelAsync(IConnection connection, CancellationToken cancellationToken) =>
        connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);

    private static byte[] RandomBody(int bytes)
    {
        var body = new byte[bytes];
        Random.Shared.NextBytes(body);
        return body;
    }
}
