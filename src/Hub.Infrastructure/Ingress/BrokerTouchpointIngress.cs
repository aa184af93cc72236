using Hub.Contracts.Touchpoints;
using MassTransit;

namespace Hub.Infrastructure.Ingress;

/// <summary>Production: publishes to RabbitMQ with publisher confirms; the answer waits for the broker's confirm.</summary>
internal sealed class BrokerTouchpointIngress(IBus bus, IngressOptions options) : ITouchpointIngress
{
    public async Task AcceptAsync(IReadOnlyList<TouchpointReceived> touchpoints, CancellationToken cancellationToken)
    {
        if (touchpoints.Count == 0)
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.BrokerTimeout);
        try
        {
            await bus.PublishBatch(touchpoints, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IngressUnavailableException($"The message broker did not confirm within {options.BrokerTimeout.TotalSeconds:0.#} s.", e);
        }
        catch (Exception e) when (e is MassTransitException or RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException)
        {
            throw new IngressUnavailableException("The message broker is unreachable.", e);
        }
    }
}
