namespace Hub.Contracts.Customers;

/// <summary>
/// Customer changes the outbox relay published together, in the order of their outbox rows: one broker message for up to
/// <see cref="MaxChanges"/> of them instead of one each, which is what a sync target's queue carries. Each change is
/// a whole <see cref="CustomerUpdated"/> with its own version, so a target still orders a customer's changes by version.
/// </summary>
public sealed record CustomerUpdateGroup
{
    /// <summary>The most changes one group holds; the relay publishes more as several groups.</summary>
    public const int MaxChanges = 50;

    /// <summary>The changes, in the order of their outbox rows.</summary>
    public required IReadOnlyList<CustomerUpdated> Changes { get; init; }
}
