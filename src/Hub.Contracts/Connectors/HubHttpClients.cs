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
}
