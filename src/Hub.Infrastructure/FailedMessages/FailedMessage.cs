using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;

namespace Hub.Infrastructure.FailedMessages;

/// <summary>One final failure of one message, as <see cref="FailedMessageFilter"/> saw it.</summary>
internal sealed record FailedMessage(
    string Fingerprint,
    string Queue,
    string MessageType,
    Guid? MessageId,
    string Body,
    string Headers,
    string ExceptionType,
    string ExceptionMessage,
    int Attempts,
    DateTimeOffset FailedAt)
{
    private const int MaxReasonLength = 4000;

    public static FailedMessage From(ConsumeContext context, object message, Type type, Exception exception, DateTimeOffset now)
    {
        var queue = QueueOf(context.ReceiveContext.InputAddress);
        var body = JsonSerializer.Serialize(message, type, JsonSerializerOptions.Web);
        var headers = JsonSerializer.Serialize(
            context.Headers.GetAll().GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last().Value?.ToString()),
            JsonSerializerOptions.Web);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{queue}\n{type.Name}\n{body}")));
        return new FailedMessage(fingerprint, queue, type.Name, context.MessageId, body, headers,
            ExceptionTypeOf(exception), ReasonOf(exception), AttemptsOf(context), now);
    }

    /// <summary>What <see cref="ExceptionType"/> records of an exception: its type's full name.</summary>
    public static string ExceptionTypeOf(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>What <see cref="ExceptionMessage"/> records of an exception: its messages and its inner ones', outermost first.</summary>
    public static string ReasonOf(Exception exception)
    {
        var reason = string.Join(" → ", Chain(exception).Select(e => e.Message).Distinct(StringComparer.Ordinal));
        return reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason;
    }

    /// <summary>
    /// The deliveries to the consumer in this round, retries included. Outside the retry, <c>GetRetryCount()</c> sees
    /// nothing (it reads the retry's own context); the retry filter leaves its <see cref="RetryContext"/> on the
    /// context it was given when it gives up, and a batch consumer copies it onto each message of the batch.
    /// </summary>
    private static int AttemptsOf(ConsumeContext context) =>
        context.TryGetPayload(out RetryContext? retry) ? retry.RetryCount + 1 : 1;

    /// <summary>The queue's name: the last segment of <c>rabbitmq://host/vhost/hub-sync-crm2</c> or <c>loopback://localhost/hub-resolution</c>.</summary>
    public static string QueueOf(Uri inputAddress) => inputAddress.AbsolutePath.TrimEnd('/').Split('/')[^1];

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
