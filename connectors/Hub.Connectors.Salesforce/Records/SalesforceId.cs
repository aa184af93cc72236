using System.Text.Json;

namespace Hub.Connectors.Salesforce.Records;

/// <summary>
/// Salesforce record ids: 15 characters, case-sensitive, or 18 with a suffix that encodes the case of the
/// first 15. The hub stores and compares the 18-character form, case-sensitively.
/// </summary>
internal static class SalesforceId
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    /// <summary>The 18-character form of a 15- or 18-character id; false when it is neither or its suffix does not match.</summary>
    public static bool TryNormalize(string? id, out string id18)
    {
        id18 = "";
        var text = id?.Trim() ?? "";
        if (text.Length is not (15 or 18) || !text.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }
        var full = text[..15] + Suffix(text.AsSpan(0, 15));
        if (text.Length == 18 && !string.Equals(full, text, StringComparison.Ordinal))
        {
            return false;
        }
        id18 = full;
        return true;
    }

    /// <summary>The 18-character form, or null.</summary>
    public static string? Normalize(string? id) => TryNormalize(id, out var id18) ? id18 : null;

    /// <summary>
    /// The id in an answer's JSON object under <paramref name="property"/> (<c>id</c> in a write result, <c>Id</c> in a
    /// record read), normalized; null when the body is not such an object or holds no valid id there.
    /// </summary>
    public static string? InJson(string body, string property)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(property, out var id) && id.ValueKind == JsonValueKind.String
                ? Normalize(id.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when the id is valid and its key prefix (the object type) is <paramref name="prefix"/>.</summary>
    public static bool Is(string? id, string prefix) =>
        TryNormalize(id, out var id18) && id18.StartsWith(prefix, StringComparison.Ordinal);

    private static string Suffix(ReadOnlySpan<char> id15)
    {
        Span<char> suffix = stackalloc char[3];
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var bits = 0;
            for (var i = 0; i < 5; i++)
            {
                if (char.IsAsciiLetterUpper(id15[(chunk * 5) + i]))
                {
                    bits |= 1 << i;
                }
            }
            suffix[chunk] = Alphabet[bits];
        }
        return new string(suffix);
    }
}
