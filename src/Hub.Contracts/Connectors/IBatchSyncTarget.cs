using Hub.Contracts.Customers;

namespace Hub.Contracts.Connectors;

/// <summary>
/// A sync target that writes many changes in one call (Salesforce's sObject Collections) when many are
/// queued. The host may call it instead of <see cref="ISyncTarget.PushAsync"/> with the changes it has
/// at hand, after the same echo and version checks, and never with two versions of one customer.
/// </summary>
public interface IBatchSyncTarget : ISyncTarget
{
    /// <summary>
    /// Pushes the changes; returns one result per change, in the same order. A change the target refused
    /// for good is a not-delivered result; a transient failure is thrown and the host retries the whole
    /// batch, so the call must be idempotent for the same customer versions.
    /// </summary>
    ValueTask<IReadOnlyList<SyncResult>> PushBatchAsync(IReadOnlyList<CustomerUpdated> changes, ConnectorInstance instance, CancellationToken cancellationToken);
}
