using Hub.Contracts.Customers;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;

namespace Hub.Server.Api.Customers;

/// <summary>The master record as the API shows it.</summary>
internal sealed record CustomerView(
    Guid Id,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<IdentifierView> Identifiers,
    IReadOnlyDictionary<string, CustomerFieldValue> Fields)
{
    public static CustomerView From(CustomerRow row)
    {
        var snapshot = CustomerSnapshots.From(row);
        return new(snapshot.Id, snapshot.Version, snapshot.CreatedAt, snapshot.UpdatedAt,
            [.. snapshot.Identifiers.Select(i => new IdentifierView(i.Type, i.Value))], snapshot.Fields);
    }
}

internal sealed record IdentifierView(string Type, string Value);
