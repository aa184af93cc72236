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

    /// <summary>
    /// The identifiers among <see cref="Identifiers"/> that name a record a sync target created for a hub customer
    /// (<see cref="Connectors.SyncResult.RecordCreated"/>), with the customer it was created for: after a merge the
    /// survivor can hold its own such record and the merged customers' ones.
    /// </summary>
    public IReadOnlyList<CreatedRecord> CreatedRecords { get; init; } = [];

    /// <summary>Profile fields, each with its provenance.</summary>
    public required IReadOnlyDictionary<string, CustomerFieldValue> Fields { get; init; }

    /// <summary>When the customer was first seen.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the record last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A record a sync target created for a hub customer, named by its identifier.</summary>
/// <param name="Identifier">The record's identifier (<c>salesforce:contact</c> = its id).</param>
/// <param name="CreatedForCustomerId">The customer the record was created for: the survivor itself, or a customer merged into it.</param>
public sealed record CreatedRecord(CustomerIdentifier Identifier, Guid CreatedForCustomerId);
