using System.Text.Json;

namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>
/// Change events nest compound fields (<c>Name: {FirstName, LastName}</c>, <c>MailingAddress: {Street, City}</c>);
/// Outbound Messages and the REST API use the flat names (<c>FirstName</c>, <c>MailingStreet</c>). Everything
/// here is flattened to the flat names, so that one field mapping serves both.
/// </summary>
internal static class CompoundFields
{
    private const string Address = "Address";

    /// <summary><c>Name.LastName</c> → <c>LastName</c>; <c>MailingAddress.Street</c> → <c>MailingStreet</c>; <c>Email</c> → <c>Email</c>.</summary>
    public static string FlatName(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : FlatName(name[..dot], name[(dot + 1)..]);
    }

    public static Dictionary<string, string?> Flatten(JsonElement payload)
    {
        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in payload.EnumerateObject())
        {
            if (property.Name == "ChangeEventHeader")
            {
                continue;
            }
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var component in property.Value.EnumerateObject())
                {
                    fields[FlatName(property.Name, component.Name)] = Value(component.Value);
                }
                continue;
            }
            fields[property.Name] = Value(property.Value);
        }
        return fields;
    }

    private static string FlatName(string compound, string component) => compound switch
    {
        "Name" => component,
        _ when compound.EndsWith(Address, StringComparison.Ordinal) => compound[..^Address.Length] + component,
        _ => $"{compound}.{component}",
    };

    private static string? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
