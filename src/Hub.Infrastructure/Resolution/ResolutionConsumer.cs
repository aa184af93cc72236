using System.Diagnostics;
using Hub.Contracts.Touchpoints;
using MassTransit;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Hands each touchpoint to the process's <see cref="ResolutionBatcher"/> and completes (so the message
/// is acknowledged) only once the transaction that applied it has committed; a failure goes to the
/// endpoint's retry, then to the error queue, one message at a time.
/// </summary>
internal sealed class ResolutionConsumer(ResolutionBatcher batcher) : IConsumer<TouchpointReceived>
{
    public Task Consume(ConsumeContext<TouchpointReceived> context) =>
        batcher.ResolveAsync(
            context.Message,
            Activity.Current?.Context ?? default,
            alone: context.GetRetryAttempt() >= ResolutionBatcher.RetriesBeforeAlone,
            context.CancellationToken);
}
