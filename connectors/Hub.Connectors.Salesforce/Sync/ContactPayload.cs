using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hub.Contracts.Consent;
using Hub.Contracts.Customers;
using Hub.Contracts.Identity;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>
/// The Contact fields of a master record, through the field mapping. A customer the hub knows a Contact id
/// for (a <c>salesforce:contact</c> identifier) is updated by that id, and stamped with the external id, so
/// that a Contact that came from Salesforce is never duplicated; every other customer is upserted by the
/// external id field (the hub customer id). A merged customer can hold several Contact ids (<see cref="ContactIds"/>,
/// best first): the Contact the hub created for this very customer (it holds the customer id already, so stamping
/// another Contact with it would be refused as a duplicate external id), then those that came from Salesforce, then
/// those the hub created for customers merged into this one.
/// </summary>
/// <param name="ExternalIdValue">The hub customer id, the external id field's value.</param>
/// <param name="ContactIds">The customer's Contact ids, best first.</param>
/// <param name="Fields">The Contact fields written.</param>
/// <param name="Statements">Where and when the hub fields behind <paramref name="Fields"/> were stated (see <see cref="Fingerprint"/>).</param>
internal sealed record ContactPayload(string ExternalIdValue, IReadOnlyList<string> ContactIds, IReadOnlyDictionary<string, JsonNode?> Fields, string Statements = "")
{
    /// <summary>The Contact to write, when the customer holds one.</summary>
    public string? ContactId => ContactIds.Count > 0 ? ContactIds[0] : null;

    public static readonly string ContactIdentifierType = IdentifierTypes.ExternalRecord("salesforce", "contact");

    /// <summary>
    /// The written content and the statements it comes from; how the record is addressed (by id or external id) is not
    /// part of it. A value stated anew (a second SMS STOP after a Salesforce user unchecked the box the first one set)
    /// makes a new fingerprint although the fields are the same: Salesforce may hold something else since the last
    /// write, and the hub process that writes need not be the one that received Salesforce's change.
    /// </summary>
    public string Fingerprint { get; } = Hash(Fields, Statements);

    public static ContactPayload From(CustomerSnapshot customer, SalesforceOptions options)
    {
        var fields = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (hubField, salesforceField) in options.Mapping.Pairs)
        {
            if (customer.Fields.TryGetValue(hubField, out var field))
            {
                fields[salesforceField] = Value(field.Value);
            }
            else if (OnlyIdentifier(customer, hubField) is { } identifier)
            {
                fields[salesforceField] = JsonValue.Create(identifier);
            }
        }
        Records.ConsentFields.Write(customer.Fields, fields, options);
        // LastName is required to create a Contact; a customer known only by a full name still gets one.
        if (customer.Fields.TryGetValue("name", out var name) && name.Value.Trim() is { Length: > 0 } full
            && options.Mapping.ToHub.ContainsKey("LastName") && !fields.ContainsKey("LastName"))
        {
            var space = full.LastIndexOf(' ');
            fields["LastName"] = full[(space + 1)..];
            if (space > 0 && options.Mapping.ToHub.ContainsKey("FirstName") && !fields.ContainsKey("FirstName"))
            {
                fields["FirstName"] = full[..space].Trim();
            }
        }
        return new ContactPayload(customer.Id.ToString(), ContactIdsOf(customer), fields, StatementsOf(customer, options));
    }

    /// <summary>Source and time of each hub field the Contact fields are made of: the mapped ones, the name and the consent facts.</summary>
    private static string StatementsOf(CustomerSnapshot customer, SalesforceOptions options)
    {
        var text = new StringBuilder();
        foreach (var (name, field) in customer.Fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (options.Mapping.ToSalesforce.ContainsKey(name) || name == "name" || name.StartsWith(ConsentFacts.Prefix, StringComparison.Ordinal))
            {
                text.Append(name).Append('=').Append(field.Source).Append('@').Append(field.ObservedAt.UtcTicks).Append('\n');
            }
        }
        return text.ToString();
    }

    private static List<string> ContactIdsOf(CustomerSnapshot customer)
    {
        var createdFor = customer.CreatedRecords.Where(r => r.Identifier.Type == ContactIdentifierType)
            .GroupBy(r => r.Identifier.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().CreatedForCustomerId, StringComparer.Ordinal);
        return [.. customer.Identifiers.Where(i => i.Type == ContactIdentifierType)
            .Select(i => (Id: Records.SalesforceId.Normalize(i.Value), Rank: createdFor.TryGetValue(i.Value, out var owner) ? owner == customer.Id ? 0 : 2 : 1))
            .Where(c => c.Id is not null)
            .OrderBy(c => c.Rank).ThenBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => c.Id!).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The record as JSON; with the external id field unless it is in the URL already.</summary>
    public JsonObject ToJson(string? externalIdField, JsonObject? prefix = null)
    {
        var json = prefix ?? [];
        if (externalIdField is not null)
        {
            json[externalIdField] = ExternalIdValue;
        }
        foreach (var (name, value) in Fields)
        {
            json[name] = value?.DeepClone();
        }
        return json;
    }

    /// <summary>
    /// Sources that report e-mail, phone and X user id only as identifiers leave no field: the one such identifier is
    /// written then. With several, none is: guessing could overwrite the address Salesforce holds with an older one.
    /// </summary>
    private static string? OnlyIdentifier(CustomerSnapshot customer, string hubField)
    {
        if (hubField is not (IdentifierTypes.Email or IdentifierTypes.Phone or IdentifierTypes.Twitter))
        {
            return null;
        }
        var values = customer.Identifiers.Where(i => i.Type == hubField).Take(2).ToList();
        return values.Count == 1 ? values[0].Value : null;
    }

    private static JsonNode? Value(string value) => value switch
    {
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ => JsonValue.Create(value),
    };

    private static string Hash(IReadOnlyDictionary<string, JsonNode?> fields, string statements)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            text.Append(name).Append('=').Append(value?.ToJsonString()).Append('\n');
        }
        text.Append('\n').Append(statements);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
