namespace Hub.Infrastructure.Outbound;

/// <summary><c>Hub:Outbound</c>: how the hub calls systems outside itself.</summary>
public sealed class OutboundOptions
{
    public const string Section = "Hub:Outbound";

    /// <summary>
    /// CIDR networks outbound calls may reach although they are loopback, link-local, private or
    /// otherwise internal (for example <c>10.0.0.0/8</c> for an on-prem CRM). Empty by default.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries after the first attempt (with exponential backoff and jitter, honouring Retry-After).</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay; later ones grow exponentially.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries, even when Retry-After asks for more.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed attempts to one host within the sampling window before its circuit may open.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Share of failed attempts (0 to 1) that opens the circuit.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls before one trial call goes through.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
