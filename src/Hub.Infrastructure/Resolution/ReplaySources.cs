using Hub.Contracts.Identity;
using Hub.Core.Identity.Resolution;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Which connector instances caused what a replay changed: those of the transaction's new touchpoints linked (through
/// shared identifiers) to the changed customer's identifiers. The incremental path attributes a change to its touchpoint's
/// source; a replay does the same, so that a target is never sent back its own change. Where the new touchpoints came from
/// several sources, the change names none (<see cref="ResolutionEvents"/>) and goes to every target.
/// </summary>
internal sealed class ReplaySources
{
    private readonly Dictionary<CustomerIdentifier, CustomerIdentifier> _parent = [];
    private readonly Dictionary<CustomerIdentifier, HashSet<string>> _sources = [];

    public ReplaySources(IEnumerable<IdentityLink> links, IReadOnlyDictionary<Guid, string> newTouchpoints)
    {
        var linkList = links.Where(l => l.Identifiers.Count > 0).ToList();
        foreach (var link in linkList)
        {
            var first = Root(link.Identifiers[0]);
            foreach (var identifier in link.Identifiers.Skip(1))
            {
                var root = Root(identifier);
                if (root != first)
                {
                    _parent[root] = first;
                }
            }
        }
        foreach (var link in linkList.Where(l => newTouchpoints.ContainsKey(l.TouchpointId)))
        {
            var root = Root(link.Identifiers[0]);
            if (!_sources.TryGetValue(root, out var sources))
            {
                _sources[root] = sources = new HashSet<string>(StringComparer.Ordinal);
            }
            sources.Add(newTouchpoints[link.TouchpointId]);
        }
    }

    public IEnumerable<string> Of(IEnumerable<CustomerIdentifier> identifiers) =>
        identifiers.Select(Root).Distinct().SelectMany(r => _sources.GetValueOrDefault(r) ?? []).Distinct(StringComparer.Ordinal);

    private CustomerIdentifier Root(CustomerIdentifier identifier)
    {
        var root = identifier;
        while (_parent.TryGetValue(root, out var parent))
        {
            root = parent;
        }
        if (root != identifier)
        {
            _parent[identifier] = root;
        }
        return root;
    }
}
