using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// The customers one batch of touchpoints can touch, loaded in two queries and resolved in memory.
/// Minimal rule for now: exact match on a normalized identifier; a touchpoint that matches several
/// customers lands on the oldest (merging comes with the identity-resolution feature).
/// </summary>
internal sealed class CustomerWorkingSet
{
    private readonly HubDbContext _db;
    private readonly Dictionary<CustomerIdentifier, CustomerRow> _owners = [];
    private readonly Dictionary<Guid, CustomerChange> _changes = [];

    private CustomerWorkingSet(HubDbContext db) => _db = db;

    public IEnumerable<CustomerChange> Changes => _changes.Values;

    public static async Task<CustomerWorkingSet> LoadAsync(HubDbContext db, IEnumerable<CustomerIdentifier> identities, CancellationToken cancellationToken)
    {
        var set = new CustomerWorkingSet(db);
        var wanted = identities.ToHashSet();
        var values = wanted.Select(i => i.Value).Distinct().ToList();
        if (values.Count == 0)
        {
            return set;
        }
        var links = (await db.CustomerIdentifiers.AsNoTracking().Where(i => values.Contains(i.Value)).ToListAsync(cancellationToken))
            .Where(i => wanted.Contains(new CustomerIdentifier(i.Type, i.Value))).ToList();
        var customerIds = links.Select(l => l.CustomerId).Distinct().ToList();
        var customers = await db.Customers.Include(c => c.Identifiers).Include(c => c.Fields)
            .AsSplitQuery().Where(c => customerIds.Contains(c.Id)).ToListAsync(cancellationToken);
        foreach (var customer in customers)
        {
            foreach (var identifier in customer.Identifiers)
            {
                set._owners[new CustomerIdentifier(identifier.Type, identifier.Value)] = customer;
            }
        }
        return set;
    }

    /// <summary>The customer the touchpoint belongs to (created if new), or null when it carries no identifier.</summary>
    public CustomerRow? Apply(TouchpointReceived touchpoint, DateTimeOffset now)
    {
        if (touchpoint.Identities.Count == 0)
        {
            return null;
        }
        var customer = touchpoint.Identities.Select(i => _owners.GetValueOrDefault(i)).OfType<CustomerRow>()
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).FirstOrDefault();
        if (customer is null)
        {
            customer = new CustomerRow { Id = Guid.CreateVersion7(now), Version = 0, CreatedAt = now, UpdatedAt = now };
            _db.Customers.Add(customer);
            Change(customer, touchpoint).Fields.Add("created");
        }
        foreach (var identity in touchpoint.Identities.Where(i => !_owners.ContainsKey(i)))
        {
            customer.Identifiers.Add(new CustomerIdentifierRow
            {
                Type = identity.Type,
                Value = identity.Value,
                CustomerId = customer.Id,
                LinkedByTouchpointId = touchpoint.TouchpointId,
                LinkedAt = now,
            });
            _owners[identity] = customer;
            Change(customer, touchpoint).Fields.Add("identifiers");
        }
        foreach (var (name, value) in touchpoint.ProfileFacts)
        {
            ApplyFact(customer, touchpoint, name, value);
        }
        return customer;
    }

    private void ApplyFact(CustomerRow customer, TouchpointReceived touchpoint, string name, string value)
    {
        var candidate = new CustomerFieldValue(value, touchpoint.ConnectorInstanceId, touchpoint.OccurredAt);
        var current = customer.Fields.Find(f => f.Name == name);
        if (!FieldSurvivorship.Replaces(candidate, current is null ? null : new CustomerFieldValue(current.Value, current.Source, current.ObservedAt)))
        {
            return;
        }
        if (current is null)
        {
            customer.Fields.Add(new CustomerFieldRow { CustomerId = customer.Id, Name = name, Value = value, Source = candidate.Source, ObservedAt = candidate.ObservedAt });
            Change(customer, touchpoint).Fields.Add(name);
            return;
        }
        if (current.Value != value)
        {
            Change(customer, touchpoint).Fields.Add(name);
        }
        current.Value = value;
        current.Source = candidate.Source;
        current.ObservedAt = candidate.ObservedAt;
    }

    private CustomerChange Change(CustomerRow customer, TouchpointReceived touchpoint)
    {
        if (!_changes.TryGetValue(customer.Id, out var change))
        {
            change = new CustomerChange(customer);
            _changes[customer.Id] = change;
        }
        change.Sources.Add(touchpoint.ConnectorInstanceId);
        change.LastTouchpointId = touchpoint.TouchpointId;
        return change;
    }
}

/// <summary>What one batch changed on one customer.</summary>
internal sealed class CustomerChange(CustomerRow customer)
{
    public CustomerRow Customer { get; } = customer;

    public SortedSet<string> Fields { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Sources { get; } = new(StringComparer.Ordinal);

    public Guid LastTouchpointId { get; set; }

    public CustomerUpdated ToMessage(DateTimeOffset now) => new()
    {
        CustomerId = Customer.Id,
        Version = Customer.Version,
        ChangedFields = [.. Fields],
        Customer = CustomerSnapshots.From(Customer),
        SourceConnectorInstanceId = Sources.Count == 1 ? Sources.First() : null,
        CausedByTouchpointId = LastTouchpointId,
        OccurredAt = now,
    };
}
