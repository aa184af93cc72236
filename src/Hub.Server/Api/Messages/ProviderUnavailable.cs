using Hub.Contracts.Connectors;
using Hub.Infrastructure.Outbound;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Hub.Server.Api.Messages;

/// <summary>
/// Why a message never reached its provider, as the caller's answer. Nothing was sent, so nothing goes on the
/// timeline. An address the outbound guard refuses is the operator's to fix (502, naming
/// <c>Hub:Outbound:AllowedNetworks</c>, no Retry-After: trying again cannot help); an outage, an open circuit breaker
/// or a timeout passes (503 with Retry-After).
/// </summary>
internal sealed record ProviderUnavailable(int Status, string Title, string Detail, TimeSpan? RetryAfter)
{
    private const string LaterTitle = "The provider cannot take the message now";
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(30);

    public static ProviderUnavailable? From(Exception exception, OutboundOptions outbound) => exception switch
    {
        HttpRequestException { InnerException: OutboundAddressRefusedException refused } =>
            new(StatusCodes.Status502BadGateway, "The provider's address is not allowed", refused.Message, null),
        SyncTargetUnavailableException e => Later(e.Message, e.RetryAfter ?? DefaultRetryAfter),
        // Polly 8.4 does not say how much of the break is left: the whole break is the longest wait.
        BrokenCircuitException => Later(
            $"Calls to the provider are held back after repeated failures (circuit breaker open for {outbound.CircuitBreakerBreakDuration}).",
            outbound.CircuitBreakerBreakDuration),
        TimeoutRejectedException => Later($"The provider did not answer within {outbound.AttemptTimeout} (Hub:Outbound:AttemptTimeout).", DefaultRetryAfter),
        HttpRequestException e => Later($"The provider could not be reached: {e.Message}", DefaultRetryAfter),
        _ => null,
    };

    private static ProviderUnavailable Later(string detail, TimeSpan retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, LaterTitle, detail, retryAfter);
}
