using System.ComponentModel;

namespace Hub.Infrastructure.Outbound;

/// <summary><c>Hub:Outbound</c>: how the hub calls systems outside itself.</summary>
public sealed class OutboundOptions
{
    public const string Section = "Hub:Outbound";

    /// <summary>
    /// CIDR networks outbound calls may reach although they are loopback, link-local, private or
    /// otherwise internal (for example <c>10.0.0.0/8</c> for an on-prem CRM). Empty by default.
    /// </summary>
    [Description("CIDR networks outbound calls may reach although internal (loopback, private, link-local, ...), e.g. `10.0.0.0/8` for an on-prem CRM. A list (`AllowedNetworks:0`, ...) or comma-separated in one value.")]
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Timeout of one attempt.</summary>
    [Description("Timeout of one attempt of an outbound call.")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries after the first attempt (with exponential backoff and jitter, honouring Retry-After).</summary>
    [Description("Retries after the first attempt (`0`: none), with exponential backoff and jitter; `Retry-After` is honoured.")]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay; later ones grow exponentially.</summary>
    [Description("The first retry delay; later ones grow exponentially.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between retries. A <c>Retry-After</c> asking for more is not retried by the client: the caller gets
    /// the answer at once (a sync target hands the change back to its queue, which holds it back for the time asked).
    /// </summary>
    [Description("The longest single wait between retries. A `Retry-After` asking for more is not waited for by the HTTP client: the answer goes back to the caller at once, and a sync queue holds the change back for the time asked.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed attempts to one host within the sampling window before its circuit may open.</summary>
    [Description("Attempts to one host within the sampling window before its circuit breaker may open.")]
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Share of failed attempts (0 to 1) that opens the circuit.</summary>
    [Description("Share of failed attempts (0 to 1) within the sampling window that opens the circuit breaker.")]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    [Description("The circuit breaker's sampling window.")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls before one trial call goes through.</summary>
    [Description("How long an open circuit breaker refuses calls before one trial call goes through.")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
