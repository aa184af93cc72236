namespace Hub.Contracts.Customers;

/// <summary>
/// The master record of a customer changed (or was created: then <see cref="Version"/> is 1).
/// Published through the outbox; every connected system that is a sync target receives it.
/// </summary>
public sealed record CustomerUpdated
{
    /// <summary>The hub customer id.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>The record's version after the change; grows by one with every change.</summary>
    public required long Version { get; init; }

    /// <summary>Names of the fields that changed; identifiers are named <c>identifiers</c>.</summary>
    public required IReadOnlyList<string> ChangedFields { get; init; }

    /// <summary>The whole master record after the change.</summary>
    public required CustomerSnapshot Customer { get; init; }

    /// <summary>
    /// The connector instance whose touchpoint caused the change: a sync target skips its own echo. Null when several
    /// sources did, including when the hub hands a target one version in place of several queued ones from different sources.
    /// </summary>
    public string? SourceConnectorInstanceId { get; init; }

    /// <summary>
    /// The customers merged into this one by this change (or, when the hub hands a target one version in place of
    /// several, by any of them); empty when none was. A sync target that acts on merges (<see cref="Connectors.IMergeSyncTarget"/>)
    /// is told before it gets this change.
    /// </summary>
    public IReadOnlyList<Guid> MergedCustomerIds { get; init; } = [];

    /// <summary>
    /// The customers an admin split off this one by this change (or by any of the changes this one stands for): they
    /// exist again under their old ids, each with a change of its own naming this customer in
    /// <see cref="SplitFromCustomerId"/>. A target that merged their records into this one's can separate them again.
    /// Empty when none was.
    /// </summary>
    public IReadOnlyList<Guid> SplitOffCustomerIds { get; init; } = [];

    /// <summary>
    /// On a customer an admin restored by splitting it off another: that customer (whose change lists this one in
    /// <see cref="SplitOffCustomerIds"/>). Null otherwise.
    /// </summary>
    public Guid? SplitFromCustomerId { get; init; }

    /// <summary>The touchpoint that caused the change, if one did.</summary>
    public Guid? CausedByTouchpointId { get; init; }

    /// <summary>When the change was made.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}
