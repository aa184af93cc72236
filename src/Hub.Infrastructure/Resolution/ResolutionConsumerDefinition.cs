using MassTransit;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Up to <see cref="MessagesInFlight"/> messages in flight per process, their touchpoints all waiting in the
/// <see cref="ResolutionBatcher"/>; a failed transaction (for example two processes creating the same
/// identifier at once) is retried with backoff (<see cref="ResolutionOptions"/>), then the message goes to the error queue.
/// </summary>
internal sealed class ResolutionConsumerDefinition : ConsumerDefinition<ResolutionConsumer>
{
    /// <summary>
    /// Each message in flight holds one of RabbitMQ.Client's dispatch workers until its group commits, and every delivery
    /// wakes all idle workers at once (they wait on one channel): with 500, the hub ran about 100 thread-pool work items
    /// per touchpoint and the pool's queue jumped to 500 several times a second (docs/performance.md, item 28). A message
    /// is a <see cref="Hub.Contracts.Touchpoints.TouchpointGroup"/> of up to 50 touchpoints, and under load the groups are
    /// large, so 64 still keep a full batch of <see cref="ResolutionBatcher.MaxBatchSize"/> waiting behind the one running.
    /// </summary>
    public const int MessagesInFlight = 64;

    private readonly ResolutionOptions _options;

    public ResolutionConsumerDefinition(ResolutionOptions options)
    {
        _options = options;
        EndpointName = "hub-resolution";
        ConcurrentMessageLimit = MessagesInFlight;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ResolutionConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Beyond the ones in flight, the next deliveries wait in the process, so a freed worker never waits on the broker.
        endpointConfigurator.PrefetchCount = ResolutionBatcher.MaxBatchSize * 2;
        endpointConfigurator.UseMessageRetry(r => r.Exponential(
            _options.RetryLimit, ResolutionOptions.MinRetryInterval, _options.RetryMaxInterval, ResolutionOptions.IntervalDelta));
    }
}
