using System.ComponentModel;

namespace Hub.Infrastructure.Ingress;

/// <summary><c>Hub:Ingress</c>.</summary>
public sealed class IngressOptions
{
    public const string Section = "Hub:Ingress";

    /// <summary>Largest webhook body accepted; larger ones get 413. About 256 KB by default.</summary>
    [Description("Largest webhook body accepted, in bytes; larger ones get `413`.")]
    public long MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How long to wait for the broker's confirm before answering 503.</summary>
    [Description("How long the ingress waits for the broker's publish confirm before answering `503`.")]
    public TimeSpan BrokerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>In-memory bus: touchpoints answered and not yet applied, above which webhooks get 503 until resolution catches up.</summary>
    [Description("In-memory bus (embedded mode): how many answered touchpoints may wait in the ingress buffer to be applied; above it webhooks get `503` with `Retry-After` until resolution has caught up. They wait on disk (at most 1,000 of them in memory), so this bounds how far behind the hub may fall, not its memory: the default is about a minute of embedded work and about 70 MB of buffer file.")]
    public int BufferLimit { get; set; } = DefaultBufferLimit;

    public const int DefaultBufferLimit = 50_000;

    /// <summary>The Retry-After sent with a 503.</summary>
    [Description("The `Retry-After` (seconds) sent with a `503`.")]
    public int RetryAfterSeconds { get; set; } = 30;
}
