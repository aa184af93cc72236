using Hub.Contracts.Customers;
using Hub.Contracts.Touchpoints;

namespace Hub.Contracts.Connectors;

/// <summary>
/// A sync target that also records the customer's touchpoints from other channels (a call, a tweet, an
/// e-mail), so that its users see the whole relationship: Salesforce logs them as Tasks on the contact.
/// </summary>
public interface ITouchpointSyncTarget
{
    /// <summary>
    /// Records one touchpoint that was appended to a customer's timeline. The host delivers each touchpoint
    /// at least once and skips those that arrived through the target instance itself; the connector
    /// decides which touchpoints it records (it may report success without writing anything). Transient
    /// failures are thrown so the host retries.
    /// </summary>
    ValueTask<SyncResult> PushTouchpointAsync(CustomerTouchpoint touchpoint, ConnectorInstance instance, CancellationToken cancellationToken);
}

/// <summary>A touchpoint on a customer's timeline, as a touchpoint sync target receives it.</summary>
public sealed record CustomerTouchpoint
{
    /// <summary>The touchpoint as the hub accepted it.</summary>
    public required TouchpointReceived Touchpoint { get; init; }

    /// <summary>The master record of the customer the touchpoint was resolved to.</summary>
    public required CustomerSnapshot Customer { get; init; }

    /// <summary>The customer's record id in the target, as the host last recorded it from a <see cref="SyncResult"/>; null when none is known.</summary>
    public string? ExternalRecordId { get; init; }
}
