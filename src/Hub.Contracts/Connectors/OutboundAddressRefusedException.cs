namespace Hub.Contracts.Connectors;

/// <summary>
/// The outbound address is internal and not allowed (<c>Hub:Outbound:AllowedNetworks</c>); retrying cannot help. Thrown by
/// the hub's outbound HTTP clients (as the inner exception of an <see cref="HttpRequestException"/>) and by
/// <see cref="IOutboundConnections"/>.
/// </summary>
public sealed class OutboundAddressRefusedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public OutboundAddressRefusedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which host was refused and how to allow it, for the operator.</param>
    public OutboundAddressRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutboundAddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The guard's refusal behind <paramref name="exception"/> (the exception itself or one it wraps), or null.</summary>
    public static OutboundAddressRefusedException? Behind(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OutboundAddressRefusedException refused)
            {
                return refused;
            }
        }
        return null;
    }
}
