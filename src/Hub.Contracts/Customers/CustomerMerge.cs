using Hub.Contracts.Identity;

namespace Hub.Contracts.Customers;

/// <summary>
/// Customers merged into a survivor, as one sync target needs to know it: which hub ids are gone, and the records
/// they had in that target's system, so it can merge or delete those records. The survivor's
/// <see cref="CustomerUpdated"/> (<see cref="SurvivorVersion"/>) comes after it.
/// </summary>
public sealed record CustomerMerge
{
    /// <summary>The customer the others were merged into.</summary>
    public required Guid SurvivorId { get; init; }

    /// <summary>The survivor's version that carries the merge.</summary>
    public required long SurvivorVersion { get; init; }

    /// <summary>The hub ids merged into the survivor; they answer 301 to it from now on.</summary>
    public required IReadOnlyList<Guid> MergedCustomerIds { get; init; }

    /// <summary>Per merged id, its records in this target's system as the hub knows them.</summary>
    public required IReadOnlyList<MergedCustomer> MergedCustomers { get; init; }

    /// <summary>The touchpoint whose identifiers joined them, if one did.</summary>
    public Guid? CausedByTouchpointId { get; init; }

    /// <summary>When the merge was made.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>One merged customer: its hub id and the records it had in connected systems.</summary>
public sealed record MergedCustomer
{
    /// <summary>The merged hub customer id.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>Its record id in this target's system, as the hub last recorded it; null when none is known.</summary>
    public string? ExternalRecordId { get; init; }

    /// <summary>The record-id identifiers it held when it was merged (<c>crm1:user</c>, <c>salesforce:contact</c> and the like).</summary>
    public IReadOnlyList<CustomerIdentifier> ExternalIdentifiers { get; init; } = [];
}
