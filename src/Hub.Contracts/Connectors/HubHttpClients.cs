namespace Hub.Contracts.Connectors;

/// <summary>Names of the HTTP clients the host provides to connectors through <c>IHttpClientFactory</c>.</summary>
public static class HubHttpClients
{
    /// <summary>
    /// For every call to a system outside the hub: guarded against SSRF (no loopback, link-local or
    /// private addresses unless allowed), redirects not followed, and behind the outbound resilience
    /// pipeline (timeout, retry honouring Retry-After, circuit breaker per target host).
    /// </summary>
    public const string Outbound = "hub-outbound";

    /// <summary>
    /// <see cref="Outbound"/> without the retry: for a connector that paces itself by its system's own rate-limit
    /// answers (X's <c>x-rate-limit-reset</c>, Twilio's 429), where the host's retry would spend the limit again.
    /// Still SSRF-guarded, with the per-attempt timeout and the circuit breaker.
    /// </summary>
    public const string OutboundSelfPaced = "hub-outbound-self-paced";

    /// <summary>
    /// A request option (<c>request.Options.Set(HubHttpClients.BeforeEachAttempt, ...)</c>): the hub's outbound clients call it
    /// before every attempt they make with the request, the first and each retry (a retry sends the same request again).
    /// For headers that must be fresh on each attempt, such as a signature over the current time. A client that is not
    /// the hub's does not call it, so set the headers before sending too.
    /// </summary>
    public static readonly HttpRequestOptionsKey<Action<HttpRequestMessage>> BeforeEachAttempt = new("hub.outbound.before-each-attempt");
}
