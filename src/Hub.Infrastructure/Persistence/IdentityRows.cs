namespace Hub.Infrastructure.Persistence;

/// <summary>The append-only identity graph: touchpoint T said identifier (Type, Value) belongs to its person.</summary>
public sealed class IdentityLinkRow
{
    public Guid TouchpointId { get; set; }

    public required string Type { get; set; }

    public required string Value { get; set; }

    public DateTimeOffset OccurredAt { get; set; }
}

/// <summary>A merge (or identifier link) that merge protection refused, listed for review.</summary>
public sealed class IdentityConflictRow
{
    public long Id { get; set; }

    public Guid CustomerId { get; set; }

    public Guid? OtherCustomerId { get; set; }

    public string? IdentifierType { get; set; }

    public string? IdentifierValue { get; set; }

    public Guid? TouchpointId { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The merge history and audit trail: automatic merges and admins' splits.</summary>
public sealed class CustomerMergeRow
{
    public long Id { get; set; }

    /// <summary><c>merge</c> or <c>split</c>.</summary>
    public required string Kind { get; set; }

    public Guid SurvivorId { get; set; }

    public Guid MergedId { get; set; }

    public Guid? TouchpointId { get; set; }

    /// <summary>The merged customer's identifiers at the time, as JSON, so a split can restore it.</summary>
    public required string MergedIdentifiers { get; set; }

    public string? Actor { get; set; }

    public DateTimeOffset At { get; set; }

    public DateTimeOffset? UndoneAt { get; set; }
}

/// <summary>One identifier on one side of an admin's split; no customer may hold both sides again.</summary>
public sealed class SeparationMemberRow
{
    public long SeparationId { get; set; }

    /// <summary><c>A</c> or <c>B</c>.</summary>
    public required string Side { get; set; }

    public required string Type { get; set; }

    public required string Value { get; set; }
}

/// <summary>
/// An admin's word that two customers are not the same person: the pair is no longer suggested as a likely duplicate.
/// Stored once per pair, the smaller id (by <see cref="Guid.CompareTo(Guid)"/>) first.
/// </summary>
public sealed class DuplicateDismissalRow
{
    public const int ReasonMaxLength = 500;

    public long Id { get; set; }

    public Guid CustomerId { get; set; }

    public Guid OtherCustomerId { get; set; }

    public string? Reason { get; set; }

    /// <summary>The admin's e-mail address or the API key's name.</summary>
    public required string DismissedBy { get; set; }

    public DateTimeOffset DismissedAt { get; set; }

    /// <summary>The pair in the stored order.</summary>
    public static (Guid CustomerId, Guid OtherCustomerId) Canonical(Guid first, Guid second) =>
        first.CompareTo(second) <= 0 ? (first, second) : (second, first);
}
