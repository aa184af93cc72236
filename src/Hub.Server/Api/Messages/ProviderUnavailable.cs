using Hub.Contracts.Connectors;
using Hub.Infrastructure.Outbound;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Hub.Server.Api.Messages;

/// <summary>
/// What the caller is told when the send ended in an exception, by whether the provider can have the message.
/// Nothing was sent when the connection never carried the request: an address the outbound guard refuses is the
/// operator's to fix (502, naming <c>Hub:Outbound:AllowedNetworks</c>, no Retry-After: trying again cannot help);
/// an outage (connection refused, the provider's 503), an open circuit breaker passes (503 with Retry-After).
/// A timeout or a connection dropped once the request was on its way leaves the outcome unknown
/// (<see cref="MayHaveBeenSent"/>, 504 without Retry-After): the provider may have taken the message, so an automatic
/// retry could send it twice.
/// </summary>
internal sealed record ProviderUnavailable(int Status, string Title, string Detail, TimeSpan? RetryAfter, bool MayHaveBeenSent)
{
    private const string LaterTitle = "The provider cannot take the message now";
    private const string UnknownTitle = "The provider may have received the message";
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(30);

    public static ProviderUnavailable? From(Exception exception, OutboundOptions outbound) => exception switch
    {
        HttpRequestException { InnerException: OutboundAddressRefusedException refused } => NotAllowed(refused),
        // A connector of another protocol than HTTP (SMTP) connecting through IOutboundConnections.
        OutboundAddressRefusedException refused => NotAllowed(refused),
        SyncTargetUnavailableException e => Later(e.Message, e.RetryAfter ?? DefaultRetryAfter),
        // Polly 8.4 does not say how much of the break is left: the whole break is the longest wait.
        BrokenCircuitException => Later(
            $"Calls to the provider are held back after repeated failures (circuit breaker open for {outbound.CircuitBreakerBreakDuration}).",
            outbound.CircuitBreakerBreakDuration),
        TimeoutRejectedException => Unknown($"The provider did not answer within {outbound.AttemptTimeout} (Hub:Outbound:AttemptTimeout)."),
        HttpRequestException e when NeverSent(e.HttpRequestError) => Later($"The provider could not be reached: {e.Message}", DefaultRetryAfter),
        HttpRequestException e => Unknown($"The connection to the provider failed after the request was sent: {e.Message}"),
        _ => null,
    };

    /// <summary>Failures before a request could leave: no connection, no TLS session, no tunnel through the proxy.</summary>
    private static bool NeverSent(HttpRequestError error) => error is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError
        or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError or HttpRequestError.UserAuthenticationError
        or HttpRequestError.VersionNegotiationError or HttpRequestError.ExtendedConnectNotSupported;

    private static ProviderUnavailable NotAllowed(OutboundAddressRefusedException refused) =>
        new(StatusCodes.Status502BadGateway, "The provider's address is not allowed", refused.Message, null, false);

    private static ProviderUnavailable Later(string detail, TimeSpan retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, LaterTitle, $"Nothing was sent. {detail}", retryAfter, false);

    private static ProviderUnavailable Unknown(string detail) =>
        new(StatusCodes.Status504GatewayTimeout, UnknownTitle,
            $"{detail} The provider may have taken the message and may deliver it. Before sending it again, look for it on the customer's " +
            "timeline (GET /api/customers/{id}/timeline, an '<channel>.unconfirmed' entry) and in the provider's own message log: " +
            "sending again without checking may deliver it twice.", null, true);
}
