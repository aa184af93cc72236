namespace Hub.Contracts.Customers;

/// <summary>An admin undid a merge: the restored customers exist again with their own identifiers and timelines.</summary>
public sealed record CustomerSplit
{
    /// <summary>The customer that was split.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>The customers restored from it.</summary>
    public required IReadOnlyList<Guid> RestoredCustomerIds { get; init; }

    /// <summary>Who asked for it (the API key's name).</summary>
    public required string Actor { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}
