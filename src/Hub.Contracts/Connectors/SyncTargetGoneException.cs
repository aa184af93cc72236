namespace Hub.Contracts.Connectors;

/// <summary>
/// Thrown by a sync target whose system said it wants nothing more from this hub (a webhook receiver's <c>410 Gone</c>):
/// retrying soon cannot help, and the change is not the system's refusal of that one customer either. The host does not
/// retry it and records no refusal: the change is parked as a failed message with this reason, to replay once the
/// system takes deliveries again.
/// </summary>
public sealed class SyncTargetGoneException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SyncTargetGoneException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the system said and how deliveries resume, for the operator.</param>
    public SyncTargetGoneException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SyncTargetGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
