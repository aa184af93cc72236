using System.Text.Json;

namespace Hub.Connectors.Salesforce.Api;

/// <summary>
/// One error Salesforce reported: REST resources send <c>[{"message","errorCode","fields"}]</c>,
/// sObject Collections results <c>{"statusCode","message","fields"}</c>.
/// </summary>
internal sealed record SalesforceError(string Code, string Message, IReadOnlyList<string> Fields)
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "REQUEST_LIMIT_EXCEEDED", "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE",
    };

    public bool IsTransient => TransientCodes.Contains(Code);

    /// <summary>For the operator: <c>FIELD_CUSTOM_VALIDATION_EXCEPTION (MobilePhone): Mobile Phone must be ...</c>.</summary>
    public override string ToString() => Fields.Count == 0 ? $"{Code}: {Message}" : $"{Code} ({string.Join(", ", Fields)}): {Message}";

    /// <summary>The errors of a REST error body (an array, or one object); empty when the body holds none.</summary>
    public static IReadOnlyList<SalesforceError> ParseBody(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return ParseElement(json.RootElement);
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static IReadOnlyList<SalesforceError> ParseElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => [.. element.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(One)],
        JsonValueKind.Object => [One(element)],
        _ => [],
    };

    public static string Describe(IReadOnlyList<SalesforceError> errors, string fallback) =>
        errors.Count == 0 ? fallback : string.Join("; ", errors);

    private static SalesforceError One(JsonElement error) => new(
        Text(error, "errorCode") ?? Text(error, "statusCode") ?? "UNKNOWN",
        Text(error, "message") ?? "",
        error.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array
            ? [.. fields.EnumerateArray().Select(f => f.GetString()).OfType<string>()]
            : []);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
