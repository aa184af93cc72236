namespace Hub.Contracts.Customers;

/// <summary>
/// Customers turned out to be one person and were merged into the oldest. The merged ids stay
/// resolvable (the API answers 301 to the survivor); connected systems should re-point their records.
/// </summary>
public sealed record CustomersMerged
{
    /// <summary>The surviving customer.</summary>
    public required Guid SurvivorId { get; init; }

    /// <summary>The customers merged into it.</summary>
    public required IReadOnlyList<Guid> MergedIds { get; init; }

    /// <summary>The touchpoint whose identifiers joined them, if one did.</summary>
    public Guid? CausedByTouchpointId { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}
