using Hub.Contracts.Erasure;

namespace Hub.Contracts.Connectors;

/// <summary>
/// A connector that can forget a customer in its system (delete or anonymize the record, or tell a receiver to).
/// The host calls it once per erasure request and instance, and again until it reports done: a transient
/// failure is thrown, a refusal for good is returned as not done with the reason.
/// </summary>
public interface IErasureTarget
{
    /// <summary>Erases the customer there; must be idempotent (a repeated call after success is still done).</summary>
    ValueTask<ErasureResult> EraseAsync(CustomerErasure erasure, ConnectorInstance instance, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this instance is asked to erase customers. By default an instance that takes customer changes (or any
    /// instance of a connector that is no <see cref="ISyncTarget"/>). A system that holds customers the hub cannot
    /// write to (a CRM connected inbound only) answers true, so that its erasure is listed, refused with what to do by hand.
    /// </summary>
    bool TakesErasures(ConnectorInstance instance) => this is not ISyncTarget target || target.TakesChanges(instance);
}
