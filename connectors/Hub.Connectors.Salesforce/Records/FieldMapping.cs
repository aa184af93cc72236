using System.Text.RegularExpressions;

namespace Hub.Connectors.Salesforce.Records;

/// <summary>
/// Which master-record field is which Contact field (<c>email=Email, mobilePhone=MobilePhone</c>). One
/// mapping serves both ways: Contact changes become these facts, and these facts are written back.
/// </summary>
internal sealed partial class FieldMapping
{
    public const string Default =
        "firstName=FirstName, lastName=LastName, email=Email, phone=Phone, mobilePhone=MobilePhone, title=Title, " +
        "address.street=MailingStreet, address.city=MailingCity, address.state=MailingState, " +
        "address.postalCode=MailingPostalCode, address.country=MailingCountry";

    private FieldMapping(IReadOnlyList<(string HubField, string SalesforceField)> pairs)
    {
        Pairs = pairs;
        ToSalesforce = pairs.ToDictionary(p => p.HubField, p => p.SalesforceField, StringComparer.Ordinal);
        ToHub = pairs.ToDictionary(p => p.SalesforceField, p => p.HubField, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<(string HubField, string SalesforceField)> Pairs { get; }

    public IReadOnlyDictionary<string, string> ToSalesforce { get; }

    /// <summary>Salesforce field names are case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> ToHub { get; }

    /// <summary>The mapping, or the first problem with its text.</summary>
    public static (FieldMapping? Mapping, string? Problem) Parse(string text)
    {
        var pairs = new List<(string, string)>();
        foreach (var entry in text.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !IsApiName(parts[1]))
            {
                return (null, $"'{entry}' is not hubField=SalesforceField (e.g. mobilePhone=MobilePhone).");
            }
            if (pairs.Any(p => p.Item1 == parts[0] || p.Item2.Equals(parts[1], StringComparison.OrdinalIgnoreCase)))
            {
                return (null, $"'{entry}' maps a field that is already mapped.");
            }
            if (parts[1].Equals("Id", StringComparison.OrdinalIgnoreCase))
            {
                return (null, "the record Id cannot be mapped.");
            }
            pairs.Add((parts[0], parts[1]));
        }
        return pairs.Count == 0 ? (null, "the mapping is empty.") : (new FieldMapping(pairs), null);
    }

    /// <summary>A Salesforce API name: a letter, then letters, digits and underscores.</summary>
    public static bool IsApiName(string? name) => name is not null && ApiName().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,79}$")]
    private static partial Regex ApiName();
}
