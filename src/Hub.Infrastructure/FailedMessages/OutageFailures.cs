using System.Text.RegularExpressions;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Outbound;

namespace Hub.Infrastructure.FailedMessages;

/// <summary>
/// Which failed messages of a sync queue failed because their target was down, judged from what the row recorded
/// (<see cref="FailedMessage.ExceptionTypeOf"/>, <see cref="FailedMessage.ReasonOf"/>): the target asked to be left alone
/// past the wait budget (<see cref="SyncTargetUnavailableException"/>), did not answer in time (Polly's timeout), could
/// not be reached or answered 408, 429 or 5xx (<see cref="HttpRequestException"/>: the connectors throw it for nothing
/// else), or the circuit breaker was open. Not: a <c>410 Gone</c> (<see cref="SyncTargetGoneException"/>), an address the
/// outbound guard refuses, a 4xx some connector's call threw for (a token endpoint's 404), a refused login, a bug.
/// Those wait for the operator; a refusal of one change (a validation error) is no failed message at all but the
/// checkpoint's <c>lastError</c>.
/// </summary>
internal static partial class OutageFailures
{
    /// <summary>The recorded types of an outage; the reason then tells the outbound guard's refusal and 4xx answers apart.</summary>
    public static readonly IReadOnlyList<string> ExceptionTypes =
    [
        typeof(SyncTargetUnavailableException).FullName!,
        typeof(HttpRequestException).FullName!,
        typeof(Polly.CircuitBreaker.BrokenCircuitException).FullName!,
        typeof(Polly.Timeout.TimeoutRejectedException).FullName!,
    ];

    private static readonly string GuardHint = $"{OutboundOptions.Section}:{nameof(OutboundOptions.AllowedNetworks)}";

    public static bool IsOutage(string exceptionType, string reason) =>
        ExceptionTypes.Contains(exceptionType, StringComparer.Ordinal)
            && !reason.Contains(GuardHint, StringComparison.Ordinal)
            && !ClientErrorAnswer().IsMatch(reason);

    /// <summary>"answered 404", "does not indicate success: 404 (Not Found)": the system answered, and said no.</summary>
    [GeneratedRegex(@"(answered|success:) 4(?!08|29)\d\d\b", RegexOptions.CultureInvariant)]
    private static partial Regex ClientErrorAnswer();
}
