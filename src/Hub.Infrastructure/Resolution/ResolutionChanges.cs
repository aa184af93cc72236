namespace Hub.Infrastructure.Resolution;

/// <summary>What one resolution transaction changed, so that each change is announced once at the end.</summary>
internal sealed class ResolutionChanges
{
    private readonly Dictionary<Guid, CustomerChange> _customers = [];

    public List<(Guid SurvivorId, Guid MergedId, Guid? TouchpointId)> Merges { get; } = [];

    public List<(Guid CustomerId, List<Guid> Restored, string Actor)> Splits { get; } = [];

    /// <summary>Touchpoints this transaction put on a timeline for the first time.</summary>
    public List<Guid> NewTouchpointIds { get; } = [];

    /// <summary>The connector instance each of <see cref="NewTouchpointIds"/> came from.</summary>
    public Dictionary<Guid, string> NewTouchpointSources { get; } = [];

    /// <summary>How many touchpoint links each component replay of this transaction went through.</summary>
    public List<int> ReplayedLinks { get; } = [];

    public IReadOnlyCollection<CustomerChange> Customers => _customers.Values;

    public CustomerChange For(Guid customerId)
    {
        if (!_customers.TryGetValue(customerId, out var change))
        {
            change = new CustomerChange(customerId);
            _customers[customerId] = change;
        }
        return change;
    }

    public void Arrived(Guid touchpointId, string source)
    {
        NewTouchpointIds.Add(touchpointId);
        NewTouchpointSources[touchpointId] = source;
    }

    /// <summary>Adds <paramref name="sources"/> to the customer's change if there is one; never makes one.</summary>
    public void Attribute(Guid customerId, IEnumerable<string> sources)
    {
        if (_customers.TryGetValue(customerId, out var change))
        {
            change.Sources.UnionWith(sources);
        }
    }

    public void Touch(Guid customerId, string field, string? source, Guid? touchpointId)
    {
        var change = For(customerId);
        change.Fields.Add(field);
        if (source is not null)
        {
            change.Sources.Add(source);
        }
        change.LastTouchpointId = touchpointId ?? change.LastTouchpointId;
    }
}

internal sealed class CustomerChange(Guid customerId)
{
    public Guid CustomerId { get; } = customerId;

    public bool Created { get; set; }

    public SortedSet<string> Fields { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Sources { get; } = new(StringComparer.Ordinal);

    public Guid? LastTouchpointId { get; set; }
}
