using Hub.Contracts.Identity;

namespace Hub.Core.Identity.Resolution;

/// <summary>
/// Derives customers from links by applying them in canonical order, so the result depends only on the
/// set of links, never on the order they arrived in or on how many processes applied them.
/// </summary>
public static class IdentityReplay
{
    public static ReplayResult Run(IEnumerable<IdentityLink> links, IdentityRules rules, IReadOnlyList<Separation> separations)
    {
        var all = links.ToList();
        // Whether a record id is one the hub created is a fact of the whole set of links, not of the ones applied so far.
        var state = new IdentityState(rules, separations, all.Select(l => l.CreatedRecord).OfType<CustomerIdentifier>());
        var landing = new Dictionary<Guid, IdentityCluster>();
        var absorbedBy = new Dictionary<IdentityCluster, IdentityCluster>();
        var conflicts = new List<(Guid TouchpointId, IdentityConflict Conflict)>();
        long age = 0;
        foreach (var link in all.Where(l => l.Identifiers.Count > 0).Order(IdentityLink.CanonicalOrder))
        {
            var outcome = state.Apply(link, () => new IdentityCluster(Guid.NewGuid(), age++));
            landing[link.TouchpointId] = outcome.Landing;
            foreach (var absorbed in outcome.Merged)
            {
                absorbedBy[absorbed] = outcome.Landing;
            }
            conflicts.AddRange(outcome.Conflicts.Select(c => (link.TouchpointId, c)));
        }
        // An identifier refused while nobody held it yet (one side of an admin's split, named by a link older than both
        // customers) is held by a customer by the end: that customer was in the refused merge as well.
        foreach (var refused in conflicts.Select(c => c.Conflict.Identifier).OfType<CustomerIdentifier>())
        {
            if (state.OwnerOf(refused) is { } holder)
            {
                holder.Tainted = true;
            }
        }
        IdentityCluster Final(IdentityCluster cluster)
        {
            while (absorbedBy.TryGetValue(cluster, out var next))
            {
                cluster = next;
            }
            return cluster;
        }
        return new ReplayResult(
            [.. state.Clusters.OrderBy(c => c.Age)],
            landing.ToDictionary(kv => kv.Key, kv => Final(kv.Value)),
            [.. conflicts.Select(c => (c.TouchpointId, c.Conflict with { Landing = Final(c.Conflict.Landing), Other = c.Conflict.Other is null ? null : Final(c.Conflict.Other) }))
                .Where(c => c.Item2.Other != c.Item2.Landing)]);
    }
}

/// <summary>The customers a set of links makes, where each touchpoint lands, and what was refused.</summary>
public sealed record ReplayResult(
    IReadOnlyList<IdentityCluster> Clusters,
    IReadOnlyDictionary<Guid, IdentityCluster> Landing,
    IReadOnlyList<(Guid TouchpointId, IdentityConflict Conflict)> Conflicts);
