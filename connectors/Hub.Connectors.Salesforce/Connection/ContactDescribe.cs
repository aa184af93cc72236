using System.Text.Json;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Connection;

/// <summary>
/// Reads the Contact describe: does the external id field exist as a unique External ID, and can every mapped field be
/// written? Without Unique, two Contacts can carry one customer's id, and the upsert by that id then writes neither.
/// </summary>
internal static class ContactDescribe
{
    public static ConnectionTestResult Check(string body, SalesforceOptions options, string? userId)
    {
        Dictionary<string, (bool ExternalId, bool Unique, bool Updateable)> fields;
        try
        {
            using var json = JsonDocument.Parse(body);
            fields = json.RootElement.GetProperty("fields").EnumerateArray().ToDictionary(
                f => f.GetProperty("name").GetString() ?? "",
                f => (Flag(f, "externalId", false), Flag(f, "unique", true), Flag(f, "updateable", true)),
                StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            return new(ConnectionTestOutcome.Unreachable, $"The Contact describe is not what Salesforce sends: {e.Message}");
        }
        var problems = new List<string>();
        if (!fields.TryGetValue(options.ExternalIdField, out var externalId))
        {
            problems.Add($"Contact has no field {options.ExternalIdField}: create it (Text, External ID, Unique) or set ExternalIdField.");
        }
        else
        {
            if (!externalId.ExternalId)
            {
                problems.Add($"Contact.{options.ExternalIdField} is not marked External ID.");
            }
            if (!externalId.Unique)
            {
                problems.Add($"Contact.{options.ExternalIdField} is not marked Unique: two Contacts could then carry one customer, and the hub could update neither.");
            }
        }
        var missing = options.Mapping.Pairs.Where(p => !fields.ContainsKey(p.SalesforceField)).Select(p => p.SalesforceField).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"Mapped field(s) not on Contact for this user: {string.Join(", ", missing)}.");
        }
        var readOnly = options.Mapping.Pairs.Where(p => fields.TryGetValue(p.SalesforceField, out var f) && !f.Updateable).Select(p => p.SalesforceField).ToList();
        if (readOnly.Count > 0)
        {
            problems.Add($"Mapped field(s) the integration user cannot update: {string.Join(", ", readOnly)}.");
        }
        return problems.Count > 0
            ? new(ConnectionTestOutcome.BadSettings, string.Join(" ", problems))
            : new(ConnectionTestOutcome.Ok, $"Signed in as {userId ?? "the integration user"}; Contact has {options.ExternalIdField} and all {options.Mapping.Pairs.Count} mapped fields.");
    }

    private static bool Flag(JsonElement field, string name, bool absent) =>
        field.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.True : absent;
}
