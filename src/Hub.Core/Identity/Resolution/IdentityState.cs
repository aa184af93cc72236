using Hub.Contracts.Identity;

namespace Hub.Core.Identity.Resolution;

/// <summary>
/// Clusters and who owns which identifier, and the one rule for applying a link: the touchpoint's
/// identifiers are matched exactly; every customer they touch is merged into the oldest, unless merge
/// protection (limits per identifier type, an admin's split) refuses, and then the touchpoint lands on
/// the best match (strongest identifier type, then the older customer) and the refusal is a conflict.
/// A link that may not merge (<see cref="IdentityLink.MayMerge"/>) touching two customers is refused the same way.
/// Record ids a sync target created for hub customers (<paramref name="createdRecords"/>, <see cref="IdentityLink.CreatedRecord"/>)
/// count toward no limit: two Contacts the hub created for two of its customers say nothing about whether they are two people.
/// </summary>
public sealed class IdentityState(IdentityRules rules, IReadOnlyList<Separation> separations, IEnumerable<CustomerIdentifier>? createdRecords = null)
{
    private const string NoMergeReason = "a record id a sync target reported for one customer is held by another";

    private readonly Dictionary<CustomerIdentifier, IdentityCluster> _owners = [];
    private readonly HashSet<IdentityCluster> _clusters = [];
    private readonly HashSet<CustomerIdentifier> _createdRecords = [.. createdRecords ?? []];

    public IReadOnlyCollection<IdentityCluster> Clusters => _clusters;

    public IdentityCluster? OwnerOf(CustomerIdentifier identifier) => _owners.GetValueOrDefault(identifier);

    public void Add(IdentityCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _clusters.Add(cluster);
        foreach (var identifier in cluster.Identifiers)
        {
            _owners[identifier] = cluster;
        }
    }

    public LinkOutcome Apply(IdentityLink link, Func<IdentityCluster> newCluster)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(newCluster);
        if (link.CreatedRecord is { } createdRecord)
        {
            _createdRecords.Add(createdRecord);
        }
        var identifiers = link.Identifiers.Distinct()
            .OrderBy(i => IdentityRules.Strength(i.Type)).ThenBy(i => i.Type, StringComparer.Ordinal).ThenBy(i => i.Value, StringComparer.Ordinal)
            .ToList();
        var conflicts = new List<(IdentityCluster? Other, CustomerIdentifier? Identifier, string Reason)>();

        var fresh = new List<CustomerIdentifier>();
        foreach (var identifier in identifiers.Where(i => !_owners.ContainsKey(i)))
        {
            if (_createdRecords.Contains(identifier) || fresh.Count(f => f.Type == identifier.Type && !_createdRecords.Contains(f)) < rules.LimitFor(identifier.Type))
            {
                fresh.Add(identifier);
            }
            else
            {
                conflicts.Add((null, identifier, LimitReason(identifier.Type)));
            }
        }
        var candidates = identifiers.Select(OwnerOf).OfType<IdentityCluster>().Distinct()
            .Select(c => new Candidate(c, c.Identifiers, identifiers.Where(c.Identifiers.Contains).Min(i => IdentityRules.Strength(i.Type))))
            .ToList();
        candidates.AddRange(SeparatedParts(fresh).Select(part => new Candidate(null, part, part.Min(i => IdentityRules.Strength(i.Type)))));
        candidates = [.. candidates.OrderBy(c => c.Strength).ThenBy(c => c.Cluster is null ? 1 : 0).ThenBy(c => c.Cluster?.Age ?? long.MaxValue)];

        var group = new List<Candidate> { candidates[0] };
        var groupIdentifiers = new HashSet<CustomerIdentifier>(candidates[0].Identifiers);
        foreach (var candidate in candidates.Skip(1))
        {
            var refusal = !link.MayMerge && candidate.Cluster is not null && group.Any(g => g.Cluster is not null)
                ? NoMergeReason
                : MergeRefusal(groupIdentifiers, candidate.Identifiers);
            if (refusal is { } reason)
            {
                if (candidate.Cluster is null)
                {
                    conflicts.AddRange(candidate.Identifiers.Select(i => ((IdentityCluster?)null, (CustomerIdentifier?)i, reason)));
                }
                else
                {
                    conflicts.Add((candidate.Cluster, null, reason));
                }
                continue;
            }
            group.Add(candidate);
            groupIdentifiers.UnionWith(candidate.Identifiers);
        }

        var existing = group.Select(g => g.Cluster).OfType<IdentityCluster>().OrderBy(c => c.Age).ThenBy(c => c.Key).ToList();
        var created = existing.Count == 0;
        var landing = created ? newCluster() : existing[0];
        var added = groupIdentifiers.Where(i => !landing.Identifiers.Contains(i) && !_owners.ContainsKey(i)).ToList();
        var merged = existing.Skip(1).ToList();
        foreach (var absorbed in merged)
        {
            _clusters.Remove(absorbed);
            landing.Tainted |= absorbed.Tainted;
        }
        landing.Identifiers.UnionWith(groupIdentifiers);
        Add(landing);
        if (conflicts.Count > 0)
        {
            landing.Tainted = true;
            foreach (var other in conflicts.Select(c => c.Other).OfType<IdentityCluster>())
            {
                other.Tainted = true;
            }
        }
        return new LinkOutcome(landing, created, merged, added,
            [.. conflicts.Select(c => new IdentityConflict(landing, c.Other, c.Identifier, c.Reason))]);
    }

    /// <summary>
    /// The identifiers nobody holds yet, in parts none of which holds both sides of an admin's split: a link older than everything else
    /// of two split customers (replayed first in canonical order) names both sides while neither exists yet, and must
    /// meet the split exactly as it does when both customers already exist. The strongest identifier's part comes first.
    /// </summary>
    private List<HashSet<CustomerIdentifier>> SeparatedParts(List<CustomerIdentifier> fresh)
    {
        var parts = new List<HashSet<CustomerIdentifier>>();
        foreach (var identifier in fresh)
        {
            HashSet<CustomerIdentifier> alone = [identifier];
            if (parts.Find(part => !separations.Any(s => s.Forbids(part, alone))) is { } allowed)
            {
                allowed.Add(identifier);
            }
            else
            {
                parts.Add(alone);
            }
        }
        return parts;
    }

    private string? MergeRefusal(IReadOnlySet<CustomerIdentifier> group, IReadOnlySet<CustomerIdentifier> candidate)
    {
        foreach (var type in candidate.Select(i => i.Type).Distinct())
        {
            var count = group.Concat(candidate).Where(i => i.Type == type && !_createdRecords.Contains(i)).Distinct().Count();
            if (count > rules.LimitFor(type))
            {
                return LimitReason(type);
            }
        }
        return separations.Any(s => s.Forbids(group, candidate)) ? "an admin split these customers" : null;
    }

    private string LimitReason(string type) => rules.LimitFor(type) == 1
        ? $"both hold a different '{type}' id"
        : $"more than {rules.LimitFor(type)} '{type}' identifiers";

    private sealed record Candidate(IdentityCluster? Cluster, IReadOnlySet<CustomerIdentifier> Identifiers, int Strength);
}
