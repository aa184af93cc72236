using Hub.Contracts.Customers;

namespace Hub.Contracts.Touchpoints;

/// <summary>
/// A touchpoint was appended to a customer's timeline. Written to the outbox in the resolution transaction
/// that appended it, and delivered to every sync target that records touchpoints
/// (<see cref="Connectors.ITouchpointSyncTarget"/>), except the instance the touchpoint came through.
/// </summary>
public sealed record TouchpointAppended
{
    /// <summary>The touchpoint as the hub accepted it.</summary>
    public required TouchpointReceived Touchpoint { get; init; }

    /// <summary>The customer whose timeline it was appended to.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>The customer's master record as that transaction left it.</summary>
    public required CustomerSnapshot Customer { get; init; }
}
