using System.Diagnostics;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Telemetry;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Hands each touchpoint to the process's <see cref="ResolutionBatcher"/> and completes (so the message
/// is acknowledged) only once the transaction that applied it has committed; a failure goes to the
/// endpoint's retry, then to the error queue, one message at a time. The touchpoints of a
/// <see cref="TouchpointGroup"/> that could not be applied go on as messages of their own (published before the
/// group is acknowledged), so that they are retried, and fail, one by one as if they had come alone. While the database
/// is down every group fails: the first is logged in full, the next ones only in <see cref="OutageLog"/>'s reminders.
/// </summary>
internal sealed partial class ResolutionConsumer(ResolutionBatcher batcher, OutageLogs outages, ILogger<ResolutionConsumer> logger)
    : IConsumer<TouchpointReceived>, IConsumer<TouchpointGroup>
{
    private readonly OutageLog _outage = outages.For("Resolution of touchpoint groups", logger);

    public Task Consume(ConsumeContext<TouchpointReceived> context) =>
        batcher.ResolveAsync(
            context.Message,
            Activity.Current?.Context ?? default,
            alone: context.GetRetryAttempt() >= ResolutionBatcher.RetriesBeforeAlone,
            context.CancellationToken);

    public async Task Consume(ConsumeContext<TouchpointGroup> context)
    {
        var span = Activity.Current?.Context ?? default;
        var touchpoints = context.Message.Touchpoints;
        var resolutions = touchpoints.Select(t => batcher.ResolveAsync(t, span, alone: false, context.CancellationToken)).ToList();
        try
        {
            await Task.WhenAll(resolutions);
            _outage.Succeeded();
            return;
        }
        catch (Exception) when (!context.CancellationToken.IsCancellationRequested)
        {
        }
        var failed = touchpoints.Where((_, i) => !resolutions[i].IsCompletedSuccessfully).ToList();
        var error = resolutions.FirstOrDefault(r => r.IsFaulted)?.Exception?.InnerException
            ?? new OperationCanceledException("The group's resolution was cancelled.");
        _outage.Failed(error, (log, exception) => LogGoingAlone(log, failed.Count, touchpoints.Count, exception));
        await context.PublishBatch(failed, context.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failed} of a group of {Count} touchpoints could not be applied; each goes on as a message of its own")]
    private static partial void LogGoingAlone(ILogger logger, int failed, int count, Exception exception);
}
