using Hub.Contracts.Touchpoints;

namespace Hub.Infrastructure.Ingress;

/// <summary>Makes accepted touchpoints durable before the source is answered.</summary>
public interface ITouchpointIngress
{
    /// <summary>
    /// Returns once every touchpoint is durable (broker confirmed, or stored in the embedded buffer).
    /// Throws <see cref="IngressUnavailableException"/> when that cannot be done now: answer 503.
    /// </summary>
    Task AcceptAsync(IReadOnlyList<TouchpointReceived> touchpoints, CancellationToken cancellationToken);
}

/// <summary>The touchpoints could not be made durable; the source should retry later.</summary>
public sealed class IngressUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
