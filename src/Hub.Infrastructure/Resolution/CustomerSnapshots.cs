using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Infrastructure.Persistence;

namespace Hub.Infrastructure.Resolution;

/// <summary>The stored customer as the contract's master record.</summary>
public static class CustomerSnapshots
{
    public static CustomerSnapshot From(CustomerRow customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return new CustomerSnapshot
        {
            Id = customer.Id,
            Version = customer.Version,
            Identifiers = [.. customer.Identifiers.OrderBy(i => i.Type, StringComparer.Ordinal).ThenBy(i => i.Value, StringComparer.Ordinal)
                .Select(i => new CustomerIdentifier(i.Type, i.Value))],
            Fields = customer.Fields.OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToDictionary(f => f.Name, f => new CustomerFieldValue(f.Value, f.Source, f.ObservedAt), StringComparer.Ordinal),
            CreatedAt = customer.CreatedAt,
            UpdatedAt = customer.UpdatedAt,
        };
    }
}
