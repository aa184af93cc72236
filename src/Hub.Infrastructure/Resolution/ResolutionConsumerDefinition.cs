using MassTransit;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Up to two batches' worth of touchpoints in flight per process, all waiting in the
/// <see cref="ResolutionBatcher"/>; a failed transaction (for example two processes creating the same
/// identifier at once) is retried with backoff (<see cref="ResolutionOptions"/>), then the message goes to the error queue.
/// </summary>
internal sealed class ResolutionConsumerDefinition : ConsumerDefinition<ResolutionConsumer>
{
    private readonly ResolutionOptions _options;

    public ResolutionConsumerDefinition(ResolutionOptions options)
    {
        _options = options;
        EndpointName = "hub-resolution";
        ConcurrentMessageLimit = ResolutionBatcher.MaxBatchSize * 2;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ResolutionConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = ResolutionBatcher.MaxBatchSize * 2;
        endpointConfigurator.UseMessageRetry(r => r.Exponential(
            _options.RetryLimit, ResolutionOptions.MinRetryInterval, _options.RetryMaxInterval, ResolutionOptions.IntervalDelta));
    }
}
