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
}
