using MassTransit;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Batches of up to 100 touchpoints, one batch at a time per process; a failed transaction (for example
/// two processes creating the same identifier at once) is retried with backoff, then goes to the error queue.
/// </summary>
internal sealed class ResolutionConsumerDefinition : ConsumerDefinition<ResolutionConsumer>
{
    public const int BatchSize = 100;

    public ResolutionConsumerDefinition()
    {
        EndpointName = "hub-resolution";
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ResolutionConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = BatchSize * 2;
        endpointConfigurator.UseMessageRetry(r => r.Exponential(10, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100)));
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(BatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(50))
            .SetConcurrencyLimit(1));
    }
}
