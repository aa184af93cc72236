using Hub.Contracts.Identity;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>The tracked customers a batch touches, found by identifier with few queries.</summary>
internal sealed class CustomerWorkingSet(HubDbContext db)
{
    private readonly Dictionary<CustomerIdentifier, CustomerRow> _owners = [];
    private readonly HashSet<CustomerIdentifier> _unowned = [];
    private readonly HashSet<CustomerIdentifier> _contested = [];

    public Dictionary<Guid, CustomerRow> Customers { get; } = [];

    public CustomerRow? OwnerOf(CustomerIdentifier identifier) => _owners.GetValueOrDefault(identifier);

    /// <summary>An identifier merge protection once refused to link: whoever takes it may change the canonical outcome.</summary>
    public bool IsContested(CustomerIdentifier identifier) => _contested.Contains(identifier);

    public void Own(CustomerIdentifier identifier, CustomerRow customer)
    {
        _owners[identifier] = customer;
        _unowned.Remove(identifier);
    }

    /// <summary>Loads the owners of every identifier not looked up yet: two queries for the lot.</summary>
    public async Task LoadAsync(IEnumerable<CustomerIdentifier> identifiers, CancellationToken cancellationToken)
    {
        var wanted = identifiers.Where(i => !_owners.ContainsKey(i) && !_unowned.Contains(i)).ToHashSet();
        if (wanted.Count == 0)
        {
            return;
        }
        var values = wanted.Select(i => i.Value).Distinct().ToList();
        var customerIds = (await db.CustomerIdentifiers.AsNoTracking().WhereKeyIn(i => i.Value, values).ToListAsync(cancellationToken))
            .Where(i => wanted.Contains(new CustomerIdentifier(i.Type, i.Value)))
            .Select(i => i.CustomerId).Where(id => !Customers.ContainsKey(id)).Distinct().ToList();
        if (customerIds.Count > 0)
        {
            var customers = await db.Customers.Include(c => c.Identifiers).Include(c => c.Fields)
                .AsSplitQuery().WhereKeyIn(c => c.Id, customerIds).ToListAsync(cancellationToken);
            foreach (var customer in customers)
            {
                Customers[customer.Id] = customer;
                foreach (var identifier in customer.Identifiers)
                {
                    _owners[new CustomerIdentifier(identifier.Type, identifier.Value)] = customer;
                }
            }
        }
        _unowned.UnionWith(wanted.Where(i => !_owners.ContainsKey(i)));
        _contested.UnionWith((await db.IdentityConflicts.AsNoTracking()
                .WhereKeyIn(c => c.IdentifierValue!, values)
                .Select(c => new { c.IdentifierType, c.IdentifierValue }).ToListAsync(cancellationToken))
            .Select(c => new CustomerIdentifier(c.IdentifierType!, c.IdentifierValue!)).Where(wanted.Contains));
    }

    public CustomerRow Create(Guid id, DateTimeOffset now)
    {
        var customer = new CustomerRow { Id = id, CreatedAt = now, UpdatedAt = now, Stamp = Guid.NewGuid() };
        db.Customers.Add(customer);
        Customers[id] = customer;
        return customer;
    }
}
