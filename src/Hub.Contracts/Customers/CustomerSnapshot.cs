using Hub.Contracts.Identity;

namespace Hub.Contracts.Customers;

/// <summary>The master (golden) record of one customer at one version.</summary>
public sealed record CustomerSnapshot
{
    /// <summary>The hub customer id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The record's version.</summary>
    public required long Version { get; init; }

    /// <summary>Every normalized identifier that belongs to the customer.</summary>
    public required IReadOnlyList<CustomerIdentifier> Identifiers { get; init; }

    /// <summary>Profile fields, each with its provenance.</summary>
    public required IReadOnlyDictionary<string, CustomerFieldValue> Fields { get; init; }

    /// <summary>When the customer was first seen.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the record last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
