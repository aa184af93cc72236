using Hub.Contracts.Identity;

namespace Hub.Core.Identity.Resolution;

/// <summary>
/// What one touchpoint says about identity: these identifiers belong to one person. Links are kept
/// as an append-only log with their provenance; customers are derived from them.
/// </summary>
public sealed record IdentityLink(Guid TouchpointId, DateTimeOffset OccurredAt, IReadOnlyList<CustomerIdentifier> Identifiers)
{
    /// <summary>
    /// False for a link that may add identifiers to one customer but never merge two, such as a sync target's answer
    /// naming the record it wrote a customer to: that record may already be another customer's.
    /// </summary>
    public bool MayMerge { get; init; } = true;

    /// <summary>
    /// The record id a sync target created for the customer with this link (its answer to the hub's write was "created"):
    /// the hub's own making, so it counts toward no limit of its type and never keeps two customers apart.
    /// </summary>
    public CustomerIdentifier? CreatedRecord { get; init; }

    /// <summary>The canonical order links are replayed in: when they happened, then the touchpoint id.</summary>
    public static IComparer<IdentityLink> CanonicalOrder { get; } = Comparer<IdentityLink>.Create((a, b) =>
    {
        var byTime = a.OccurredAt.UtcTicks.CompareTo(b.OccurredAt.UtcTicks);
        return byTime != 0 ? byTime : a.TouchpointId.CompareTo(b.TouchpointId);
    });
}
