using System.Diagnostics;
using System.Threading.Channels;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Telemetry;
using MassTransit;

namespace Hub.Infrastructure.Ingress;

/// <summary>
/// Production: publishes to RabbitMQ with publisher confirms; the answer waits for the broker's confirm. The touchpoints
/// of requests that wait at the same moment go out together as one <see cref="TouchpointGroup"/>: while
/// <see cref="PublishesInFlight"/> groups wait for their confirms, the requests that arrive meanwhile gather into the
/// next one. When it is quiet a request's touchpoints go out at once, alone; under load a broker message carries many,
/// which is what the broker's cost goes by (docs/performance.md, item 22).
/// </summary>
internal sealed class BrokerTouchpointIngress : ITouchpointIngress, IAsyncDisposable
{
    public const int PublishesInFlight = 4;

    private readonly IBus _bus;
    private readonly IngressOptions _options;
    private readonly Channel<PendingAccept> _waiting = Channel.CreateUnbounded<PendingAccept>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(PublishesInFlight, PublishesInFlight);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public BrokerTouchpointIngress(IBus bus, IngressOptions options)
    {
        _bus = bus;
        _options = options;
        // Not under the trace of the request that happened to create this singleton.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(() => RunAsync(_stopping.Token));
        }
    }

    public async Task AcceptAsync(IReadOnlyList<TouchpointReceived> touchpoints, CancellationToken cancellationToken)
    {
        if (touchpoints.Count == 0)
        {
            return;
        }
        var trace = Activity.Current?.Context ?? default;
        if (touchpoints.Count > TouchpointGroup.MaxTouchpoints)
        {
            // A request this large fills groups of its own.
            var chunks = touchpoints.Chunk(TouchpointGroup.MaxTouchpoints).Select(chunk => new PendingAccept(chunk, trace)).ToList();
            await Task.WhenAll(chunks.Select(chunk => PublishAsync([chunk])));
            await Task.WhenAll(chunks.Select(chunk => chunk.Confirmed.Task)).WaitAsync(cancellationToken);
            return;
        }
        var pending = new PendingAccept(touchpoints, trace);
        if (!_waiting.Writer.TryWrite(pending))
        {
            throw new IngressUnavailableException("The hub is shutting down.");
        }
        try
        {
            await pending.Confirmed.Task.WaitAsync(_options.BrokerTimeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Answered 503 (or the caller left): if its group has not gone out yet, it does not go out at all.
            pending.Confirmed.TrySetCanceled(CancellationToken.None);
            throw e is TimeoutException ? Unconfirmed(e) : e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        while (_waiting.Reader.TryRead(out var left))
        {
            left.Confirmed.TrySetException(new IngressUnavailableException("The hub is shutting down."));
        }
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var reader = _waiting.Reader;
        while (await reader.WaitToReadAsync(stopping))
        {
            await _slots.WaitAsync(stopping);
            var group = new List<PendingAccept>();
            var count = 0;
            while (reader.TryPeek(out var next) && (group.Count == 0 || count + next.Touchpoints.Count <= TouchpointGroup.MaxTouchpoints))
            {
                reader.TryRead(out _);
                if (next.Confirmed.Task.IsCompleted)
                {
                    continue;
                }
                group.Add(next);
                count += next.Touchpoints.Count;
            }
            if (group.Count == 0)
            {
                _slots.Release();
                continue;
            }
            _ = PublishAndReleaseAsync(group);
        }
    }

    private async Task PublishAndReleaseAsync(List<PendingAccept> group)
    {
        try
        {
            await PublishAsync(group);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Publishes under the trace of the group's first request, linked to the others'; never throws.</summary>
    private async Task PublishAsync(IReadOnlyList<PendingAccept> group)
    {
        try
        {
            var links = group.Count > 1 && HubTelemetry.ActivitySource.HasListeners()
                ? group.Skip(1).Where(p => p.Trace != default).Select(p => new ActivityLink(p.Trace)).ToList()
                : null;
            Activity.Current = null;
            using var activity = HubTelemetry.ActivitySource.StartActivity("ingress publish", ActivityKind.Internal, group[0].Trace, links: links);
            activity?.SetTag("messaging.message.type", nameof(TouchpointGroup));
            var message = new TouchpointGroup { Touchpoints = group.Count == 1 ? group[0].Touchpoints : [.. group.SelectMany(p => p.Touchpoints)] };
            activity?.SetTag("messaging.batch.message_count", message.Touchpoints.Count);
            using var timeout = new CancellationTokenSource(_options.BrokerTimeout);
            await PublishAsync(message, timeout.Token);
        }
        catch (Exception e)
        {
            foreach (var pending in group)
            {
                pending.Confirmed.TrySetException(e);
            }
            return;
        }
        foreach (var pending in group)
        {
            pending.Confirmed.TrySetResult();
        }
    }

    private async Task PublishAsync(TouchpointGroup message, CancellationToken timeout)
    {
        try
        {
            await _bus.Publish(message, timeout);
        }
        catch (OperationCanceledException e)
        {
            throw Unconfirmed(e);
        }
        catch (Exception e) when (e is MassTransitException or RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException)
        {
            throw new IngressUnavailableException("The message broker is unreachable.", e);
        }
    }

    private IngressUnavailableException Unconfirmed(Exception e) =>
        new($"The message broker did not confirm within {_options.BrokerTimeout.TotalSeconds:0.#} s.", e);

    private sealed record PendingAccept(IReadOnlyList<TouchpointReceived> Touchpoints, ActivityContext Trace)
    {
        public TaskCompletionSource Confirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
