using Hub.Contracts.Identity;

namespace Hub.Core.Identity.Resolution;

/// <summary>
/// A set of identifiers that belong to one customer. Its key is the customer id (or a replay-local id);
/// smaller age is older, and the oldest cluster survives a merge.
/// </summary>
public sealed class IdentityCluster(Guid key, long age, IEnumerable<CustomerIdentifier>? identifiers = null)
{
    public Guid Key { get; } = key;

    public long Age { get; } = age;

    public HashSet<CustomerIdentifier> Identifiers { get; } = [.. identifiers ?? []];

    /// <summary>A merge was blocked around this cluster once, so arrival order can matter: changes replay its component.</summary>
    public bool Tainted { get; set; }

    public override string ToString() => $"{Key} [{string.Join(", ", Identifiers)}]";
}

/// <summary>An admin's split: no customer may hold identifiers of both sides again.</summary>
public sealed record Separation(IReadOnlySet<CustomerIdentifier> SideA, IReadOnlySet<CustomerIdentifier> SideB)
{
    public bool Forbids(IReadOnlySet<CustomerIdentifier> left, IReadOnlySet<CustomerIdentifier> right) =>
        (SideA.Overlaps(left) && SideB.Overlaps(right)) || (SideB.Overlaps(left) && SideA.Overlaps(right));
}

/// <summary>A merge or an identifier the rules refused; listed for review.</summary>
/// <param name="Landing">Where the touchpoint landed.</param>
/// <param name="Other">The cluster that was not merged, if the conflict is between two customers.</param>
/// <param name="Identifier">The identifier that was not linked, if the conflict is about one identifier.</param>
/// <param name="Reason">Which rule refused it.</param>
public sealed record IdentityConflict(IdentityCluster Landing, IdentityCluster? Other, CustomerIdentifier? Identifier, string Reason);

/// <summary>What applying one link did.</summary>
public sealed record LinkOutcome(
    IdentityCluster Landing,
    bool Created,
    IReadOnlyList<IdentityCluster> Merged,
    IReadOnlyList<CustomerIdentifier> Added,
    IReadOnlyList<IdentityConflict> Conflicts);
