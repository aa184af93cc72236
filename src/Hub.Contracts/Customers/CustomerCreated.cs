namespace Hub.Contracts.Customers;

/// <summary>A touchpoint with identifiers nobody held made a new customer.</summary>
public sealed record CustomerCreated
{
    /// <summary>The new customer's id.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>The master record as created.</summary>
    public required CustomerSnapshot Customer { get; init; }

    /// <summary>The touchpoint that created it.</summary>
    public Guid? CausedByTouchpointId { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}
