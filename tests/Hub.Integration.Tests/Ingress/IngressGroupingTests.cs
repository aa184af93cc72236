using System.Collections.Concurrent;
using System.Diagnostics;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Telemetry;
using Hub.Integration.Tests.Hosting;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Integration.Tests.Ingress;

/// <summary>
/// The production ingress on MassTransit's in-memory bus, with the broker's confirm held back by a publish observer:
/// requests that wait while the publishes in flight are unconfirmed go out together as one group, and each is answered
/// only once its own group is confirmed.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class IngressGroupingTests : IAsyncLifetime
{
    private const string RequestsSource = "Hub.Integration.Tests.Requests";
    private readonly HeldConfirms _confirms = new();
    private readonly ConcurrentQueue<TouchpointGroup> _received = new();
    private ServiceProvider _services = null!;
    private IBusControl _bus = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton(_received);
        services.AddMassTransit(x =>
        {
            x.AddConsumer<RecordingConsumer>();
            x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        _services = services.BuildServiceProvider();
        _bus = _services.GetRequiredService<IBusControl>();
        _bus.ConnectPublishObserver(_confirms);
        await _bus.StartAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        _confirms.Release();
        await _bus.StopAsync(TimeSpan.FromSeconds(30));
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task Requests_that_wait_for_a_free_publish_go_out_as_one_group_and_are_answered_after_its_confirm()
    {
        await using var ingress = new BrokerTouchpointIngress(_bus, new IngressOptions());
        var first = await FillEveryPublishAsync(ingress, "first");
        var waiting = Enumerable.Range(0, 20).Select(n => ingress.AcceptAsync([Touchpoint($"waiting-{n}")], CancellationToken.None)).ToList();

        await Task.Delay(200);
        Assert.All(first.Concat(waiting), accept => Assert.False(accept.IsCompleted, "answered before the broker confirmed"));
        Assert.Equal(BrokerTouchpointIngress.PublishesInFlight, _confirms.Held);

        _confirms.Release();
        await Task.WhenAll(first.Concat(waiting)).WaitAsync(TimeSpan.FromSeconds(10));
        await WaitForReceivedAsync(BrokerTouchpointIngress.PublishesInFlight + 1);
        var groups = _received.ToList();
        Assert.Equal(BrokerTouchpointIngress.PublishesInFlight + 1, groups.Count);
        Assert.Equal(
            Enumerable.Range(0, 20).Select(n => $"waiting-{n}"),
            Assert.Single(groups, g => g.Touchpoints.Count > 1).Touchpoints.Select(t => t.SourceEventId));
    }

    [Fact]
    public async Task A_group_is_published_in_the_trace_of_its_first_request_linked_to_the_others()
    {
        var published = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is HubTelemetry.Name or RequestsSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "ingress publish")
                {
                    published.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var requests = new ActivitySource(RequestsSource);
        await using var ingress = new BrokerTouchpointIngress(_bus, new IngressOptions());
        var accepts = new List<Task>();
        var traces = new List<ActivityContext>();
        for (var n = 0; n < BrokerTouchpointIngress.PublishesInFlight + 3; n++)
        {
            using var request = requests.StartActivity("POST /webhooks/crm1", ActivityKind.Server)!;
            traces.Add(request.Context);
            accepts.Add(ingress.AcceptAsync([Touchpoint($"traced-{n}")], CancellationToken.None));
            if (n < BrokerTouchpointIngress.PublishesInFlight)
            {
                await _confirms.WaitForHeldAsync(n + 1);
            }
        }

        _confirms.Release();
        await Task.WhenAll(accepts).WaitAsync(TimeSpan.FromSeconds(10));

        var group = Assert.Single(published, a => a.GetTagItem("messaging.batch.message_count") is 3);
        Assert.Equal(traces[BrokerTouchpointIngress.PublishesInFlight].TraceId, group.TraceId);
        Assert.Equal(traces[BrokerTouchpointIngress.PublishesInFlight].SpanId, group.ParentSpanId);
        Assert.Equal(traces.Skip(BrokerTouchpointIngress.PublishesInFlight + 1).Select(t => t.TraceId), group.Links.Select(l => l.Context.TraceId));
        Assert.Equal(
            traces.Take(BrokerTouchpointIngress.PublishesInFlight).Select(t => t.TraceId.ToHexString()).Order(),
            published.Where(a => a != group).Select(a => a.TraceId.ToHexString()).Order());
    }

    [Fact]
    public async Task A_request_whose_caller_left_before_its_group_went_out_is_not_published()
    {
        await using var ingress = new BrokerTouchpointIngress(_bus, new IngressOptions());
        var held = await FillEveryPublishAsync(ingress, "held");
        using var leaving = new CancellationTokenSource();
        var left = ingress.AcceptAsync([Touchpoint("left")], leaving.Token);
        var after = ingress.AcceptAsync([Touchpoint("after")], CancellationToken.None);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => left);
        _confirms.Release();
        await Task.WhenAll(held.Append(after)).WaitAsync(TimeSpan.FromSeconds(10));

        await WaitForReceivedAsync(BrokerTouchpointIngress.PublishesInFlight + 1);
        var published = _received.SelectMany(g => g.Touchpoints).Select(t => t.SourceEventId).ToList();
        Assert.Contains("after", published);
        Assert.DoesNotContain("left", published);
        Assert.Equal(BrokerTouchpointIngress.PublishesInFlight + 1, published.Count);
    }

    [Fact]
    public async Task A_request_larger_than_a_group_fills_groups_of_its_own()
    {
        _confirms.Release();
        await using var ingress = new BrokerTouchpointIngress(_bus, new IngressOptions());
        var touchpoints = Enumerable.Range(0, TouchpointGroup.MaxTouchpoints * 2 + 20).Select(n => Touchpoint($"large-{n}")).ToList();

        await ingress.AcceptAsync(touchpoints, CancellationToken.None);

        await WaitForReceivedAsync(3);
        var groups = _received.ToList();
        Assert.Equal([20, TouchpointGroup.MaxTouchpoints, TouchpointGroup.MaxTouchpoints], groups.Select(g => g.Touchpoints.Count).Order());
        Assert.Equal(touchpoints.Select(t => t.SourceEventId).Order(), groups.SelectMany(g => g.Touchpoints).Select(t => t.SourceEventId).Order());
    }

    [Fact]
    public async Task A_broker_that_does_not_confirm_in_time_fails_every_request_of_the_group_as_unavailable()
    {
        await using var ingress = new BrokerTouchpointIngress(_bus, new IngressOptions { BrokerTimeout = TimeSpan.FromMilliseconds(300) });

        var accepts = Enumerable.Range(0, 3).Select(n => ingress.AcceptAsync([Touchpoint($"late-{n}")], CancellationToken.None)).ToList();

        foreach (var accept in accepts)
        {
            var refused = await Assert.ThrowsAsync<IngressUnavailableException>(() => accept.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Contains("did not confirm", refused.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>One request per publish the ingress may have in flight, each held unconfirmed, one after the other (so each goes out alone).</summary>
    private async Task<List<Task>> FillEveryPublishAsync(BrokerTouchpointIngress ingress, string prefix)
    {
        var accepts = new List<Task>();
        for (var n = 0; n < BrokerTouchpointIngress.PublishesInFlight; n++)
        {
            accepts.Add(ingress.AcceptAsync([Touchpoint($"{prefix}-{n}")], CancellationToken.None));
            await _confirms.WaitForHeldAsync(n + 1);
        }
        return accepts;
    }

    private async Task WaitForReceivedAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_received.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    private static TouchpointReceived Touchpoint(string sourceEventId) => new()
    {
        TouchpointId = TouchpointIds.From("crm1", sourceEventId),
        ConnectorInstanceId = "crm1",
        SourceEventId = sourceEventId,
        Channel = TouchpointChannels.Crm,
        Type = "identify",
        OccurredAt = DateTimeOffset.UnixEpoch,
        ReceivedAt = DateTimeOffset.UnixEpoch,
    };

    private sealed class RecordingConsumer(ConcurrentQueue<TouchpointGroup> received) : IConsumer<TouchpointGroup>
    {
        public Task Consume(ConsumeContext<TouchpointGroup> context)
        {
            received.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    /// <summary>Holds every publish before it reaches the bus (as an unconfirmed publish waits) until released.</summary>
    private sealed class HeldConfirms : IPublishObserver
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _held;

        public int Held => Volatile.Read(ref _held);

        public void Release() => _released.TrySetResult();

        public async Task WaitForHeldAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Held < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
            Assert.Equal(count, Held);
        }

        public async Task PrePublish<T>(PublishContext<T> context)
            where T : class
        {
            Interlocked.Increment(ref _held);
            await _released.Task.WaitAsync(context.CancellationToken);
        }

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}
