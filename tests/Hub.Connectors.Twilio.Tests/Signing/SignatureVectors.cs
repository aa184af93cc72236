using System.Text.Json;

namespace Hub.Connectors.Twilio.Tests.Signing;

/// <summary>signature-vectors.json from the shared formats: Twilio's documented and SDK test vectors.</summary>
internal static class SignatureVectors
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(TwilioTestKit.Sample("signature-vectors.json")));

    public static IEnumerable<string> Ids(string section) => Section(section).Select(v => v.GetProperty("id").GetString()!);

    public static JsonElement Get(string section, string id) => Section(section).Single(v => v.GetProperty("id").GetString() == id);

    public static List<KeyValuePair<string, string>> Params(JsonElement vector) =>
        vector.TryGetProperty("params", out var list)
            ? [.. list.EnumerateArray().Select(p => new KeyValuePair<string, string>(p[0].GetString()!, p[1].GetString()!))]
            : [];

    public static string? Text(JsonElement vector, string name) =>
        vector.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<JsonElement> Section(string section) => Document.Value.RootElement.GetProperty(section).EnumerateArray();
}
