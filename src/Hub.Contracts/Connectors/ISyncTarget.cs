using Hub.Contracts.Customers;

namespace Hub.Contracts.Connectors;

/// <summary>A connector that writes the master record back into its system.</summary>
public interface ISyncTarget
{
    /// <summary>
    /// Pushes one change. The host has already skipped changes the target caused itself and
    /// versions it already received. Transient failures are thrown (or reported as failed) so the
    /// host retries; the call must be idempotent for the same customer version.
    /// </summary>
    ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this instance takes customer changes at all. An inbound-only instance (a webhooks instance
    /// without a target URL) answers false, and the host gives it no sync queue and no checkpoints.
    /// </summary>
    bool TakesChanges(ConnectorInstance instance) => true;
}

/// <summary>The outcome of one push.</summary>
/// <param name="Delivered">Whether the target has the change now.</param>
/// <param name="ExternalRecordId">The customer's record id in the target, when the target told it.</param>
/// <param name="Detail">What happened, for the operator.</param>
public sealed record SyncResult(bool Delivered, string? ExternalRecordId, string Detail)
{
    /// <summary>
    /// The identifier under which the target knows the customer (<c>salesforce:contact</c> = its record id),
    /// when the target told it. The host links it to the customer, so that later events from the target
    /// about that record resolve to this customer. Null when the target has no such identifier.
    /// </summary>
    public Identity.CustomerIdentifier? ExternalIdentifier { get; init; }

    /// <summary>
    /// True when this push created the record in the target for the customer (it was not there before; Salesforce
    /// answers an upsert by external id with 201 Created). Its <see cref="ExternalIdentifier"/> is then the hub's own
    /// making, not the target's word about the person: it never keeps the customer from merging with another one.
    /// False when the push found an existing record (one a user of the target may have made or worked on).
    /// </summary>
    public bool RecordCreated { get; init; }

    /// <summary>Delivered.</summary>
    public static SyncResult Success(string? externalRecordId = null, string detail = "delivered") => new(true, externalRecordId, detail);

    /// <summary>Not delivered and not worth retrying (the target refused the change for good).</summary>
    public static SyncResult Refused(string detail) => new(false, null, detail);
}
