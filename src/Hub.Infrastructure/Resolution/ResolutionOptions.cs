using System.ComponentModel;
using Hub.Infrastructure.Configuration;

namespace Hub.Infrastructure.Resolution;

/// <summary><c>Hub:Resolution</c>: how long a touchpoint that cannot be applied is tried again before it is given up on.</summary>
public sealed class ResolutionOptions
{
    public const string Section = "Hub:Resolution";

    /// <summary>The first retry waits this long; retry n waits this plus (2^n - 1) times about <see cref="IntervalDelta"/> (MassTransit adds ±20 %).</summary>
    public static readonly TimeSpan MinRetryInterval = TimeSpan.FromMilliseconds(20);

    public static readonly TimeSpan IntervalDelta = TimeSpan.FromMilliseconds(100);

    /// <summary>Retries after the first try; the last ones run alone, so at least one alone try must be left.</summary>
    [Description("How many times a touchpoint whose transaction failed is tried again before it becomes a failed message (at least 3: after two failures it is tried alone, so one that cannot be applied does not take its group down with it). The waits grow about twofold (20, 120, 320, 720 ms, 1.5 s, 3.1 s, ...) up to `RetryMaxInterval`; with the defaults a touchpoint is given up on after about 25 s. Raise it if a database failover takes longer than that.")]
    public int RetryLimit { get; set; } = 10;

    /// <summary>The longest wait between two tries.</summary>
    [Description("The longest wait between two tries of a touchpoint whose transaction failed.")]
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws a clear error for values the retry cannot work with.</summary>
    public ResolutionOptions Validated()
    {
        if (RetryLimit < ResolutionBatcher.RetriesBeforeAlone + 1)
        {
            throw new HubConfigurationException(
                $"{Section}:{nameof(RetryLimit)} must be at least {ResolutionBatcher.RetriesBeforeAlone + 1} (got {RetryLimit}): a touchpoint is tried alone after {ResolutionBatcher.RetriesBeforeAlone} failures, and needs that try before it is given up on.");
        }
        if (RetryMaxInterval < MinRetryInterval)
        {
            throw new HubConfigurationException($"{Section}:{nameof(RetryMaxInterval)} must be at least {MinRetryInterval.TotalMilliseconds} ms (got {RetryMaxInterval}).");
        }
        return this;
    }
}
