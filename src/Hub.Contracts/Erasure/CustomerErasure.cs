using Hub.Contracts.Identity;

namespace Hub.Contracts.Erasure;

/// <summary>
/// One erased customer, as a connected system needs to know it: no personal data, only the hub's id and the
/// record ids the customer had in connected systems.
/// </summary>
public sealed record CustomerErasure
{
    /// <summary>The erasure request (stable across retries: a receiver deduplicates by it).</summary>
    public required Guid ErasureRequestId { get; init; }

    /// <summary>The erased hub customer id.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>The customer's record id in this instance's system, as the hub last recorded it; null when none is known.</summary>
    public string? ExternalRecordId { get; init; }

    /// <summary>The customer's record-id identifiers (<c>salesforce:contact</c> and the like): record ids, not personal data.</summary>
    public IReadOnlyList<CustomerIdentifier> ExternalIdentifiers { get; init; } = [];

    /// <summary>
    /// Customers that had been merged into this one. Each is erased by an erasure of its own (its own
    /// <see cref="ErasureRequestId"/>, <see cref="ExternalRecordId"/> and identifiers) that names this customer in
    /// <see cref="MergedIntoCustomerId"/>.
    /// </summary>
    public IReadOnlyList<Guid> MergedCustomerIds { get; init; } = [];

    /// <summary>For a customer that had been merged into another: the one whose erasure erases it too; null otherwise.</summary>
    public Guid? MergedIntoCustomerId { get; init; }

    /// <summary>When the erasure was asked for.</summary>
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>The outcome of one erasure call.</summary>
/// <param name="Done">Whether the system has forgotten the customer now (or never held them).</param>
/// <param name="Detail">What happened, for the operator; the reason when refused.</param>
public sealed record ErasureResult(bool Done, string Detail)
{
    /// <summary>Erased, or nothing to erase.</summary>
    public static ErasureResult Erased(string detail) => new(true, detail);

    /// <summary>Refused for good; retrying cannot help.</summary>
    public static ErasureResult Refused(string detail) => new(false, detail);
}
