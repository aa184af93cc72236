using Hub.Infrastructure.Telemetry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.FailedMessages;

/// <summary>
/// Sits on every receive endpoint, outside the consumers' retry: an exception that reaches it means the
/// consumer gave up on the message. The failure is committed to <c>failed_messages</c> before the exception
/// goes on to MassTransit, which then moves the message to <c>&lt;queue&gt;_error</c> and acknowledges it.
/// So a process that dies at any point leaves either the record or an unacknowledged message that the broker
/// delivers again (and that fails again, into the same row). While the database is down every record fails: the first
/// is logged in full, the next ones only in <see cref="OutageLog"/>'s reminders.
/// </summary>
internal sealed partial class FailedMessageFilter(IServiceScopeFactory scopes, TimeProvider time, ILogger<FailedMessageFilter> logger)
    : IFilter<ConsumeContext>
{
    private readonly OutageLog _outage = new(logger, "Recording failed messages", time);

    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested))
        {
            await RecordAsync(context, exception);
            throw;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("failedMessages");

    private async Task RecordAsync(ConsumeContext context, Exception exception)
    {
        if (FailedMessageTypes.Read(context) is not { } message)
        {
            return;
        }
        try
        {
            var failure = FailedMessage.From(context, message.Message, message.Type, exception, time.GetUtcNow());
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FailedMessageLog>().RecordAsync(failure, CancellationToken.None);
            _outage.Succeeded();
        }
        catch (Exception recording)
        {
            // The database may be the very thing that failed; the broker's error queue still holds the message.
            _outage.Failed(recording, (log, exception) => LogNotRecorded(log, exception, context.MessageId, context.ReceiveContext.InputAddress));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record failed message {MessageId} from {InputAddress}; it is in the error queue only")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, Guid? messageId, Uri inputAddress);
}
