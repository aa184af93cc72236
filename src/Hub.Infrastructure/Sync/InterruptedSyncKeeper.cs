using Hub.Contracts.Customers;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// On the in-memory bus only: customer changes whose delivery the process's stop interrupted (a target failing, its
/// delivery waiting in retries or back-off when the consumers' tokens were canceled) go back into the outbox as unsent
/// rows, which the relay publishes again after the restart. RabbitMQ needs no such thing: it delivers the
/// unacknowledged message again, and the in-memory bus forgets it. Every sync target gets them again; a target that
/// already has a version skips it by its checkpoint.
/// </summary>
internal sealed partial class InterruptedSyncKeeper(IServiceScopeFactory scopes, TimeProvider time, ILogger<InterruptedSyncKeeper> logger)
    : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            await KeepAsync(context);
            throw;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("interruptedSyncKeeper");

    private async Task KeepAsync(ConsumeContext context)
    {
        IReadOnlyList<CustomerUpdated> changes =
            context.TryGetMessage<CustomerUpdateGroup>(out var group) ? group.Message.Changes
            : context.TryGetMessage<CustomerUpdated>(out var single) ? [single.Message]
            : [];
        if (changes.Count == 0)
        {
            return;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var now = time.GetUtcNow();
            foreach (var change in changes)
            {
                OutboxMessages.Add(db, change, now);
            }
            await db.SaveChangesAsync(CancellationToken.None);
            LogKept(logger, changes.Count, context.ReceiveContext.InputAddress);
        }
        catch (Exception e)
        {
            // The next change of each of these customers carries the whole record anyway.
            LogNotKept(logger, e, changes.Count, context.ReceiveContext.InputAddress);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The stop interrupted the delivery of {Count} customer changes from {InputAddress}; they are back in the outbox for the next start")]
    private static partial void LogKept(ILogger logger, int count, Uri inputAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stop interrupted the delivery of {Count} customer changes from {InputAddress}, and they could not be put back in the outbox")]
    private static partial void LogNotKept(ILogger logger, Exception exception, int count, Uri inputAddress);
}
