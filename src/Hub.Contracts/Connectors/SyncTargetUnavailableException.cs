namespace Hub.Contracts.Connectors;

/// <summary>
/// Thrown by a sync target when its system asked to be left alone for a while (a rate limit, a
/// maintenance window): the change is not lost, the host should retry it, and not before
/// <see cref="RetryAfter"/> when that is set.
/// </summary>
public sealed class SyncTargetUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the system said, for the operator.</param>
    /// <param name="retryAfter">How long the system asked to wait, if it said.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public SyncTargetUnavailableException(string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException) => RetryAfter = retryAfter;

    /// <summary>Creates the exception.</summary>
    public SyncTargetUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SyncTargetUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SyncTargetUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The earliest moment, from now, worth retrying at; null when the system did not say.</summary>
    public TimeSpan? RetryAfter { get; }
}
