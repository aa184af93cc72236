using System.Globalization;
using System.Text.Json;
using Hub.Contracts.Identity;

namespace Hub.Connectors.Twitter.Inbound;

/// <summary>Reading the v1.1 shapes Account Activity events carry: ids as strings, X's date format, millisecond stamps.</summary>
internal static class EventFields
{
    private const int MaxSummaryLength = 1_000;

    public static string Text(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new InvalidOperationException($"'{name}' is null.");

    public static string? OptionalText(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>X's <c>created_at</c>, such as <c>Tue Jun 10 14:03:12 +0000 2025</c>.</summary>
    public static DateTimeOffset CreatedAt(JsonElement element) =>
        DateTimeOffset.ParseExact(Text(element, "created_at"), "ddd MMM dd HH:mm:ss zzz yyyy", CultureInfo.InvariantCulture);

    /// <summary>A Unix time in milliseconds, sent as a string or as a number.</summary>
    public static DateTimeOffset Milliseconds(JsonElement element, string name)
    {
        var value = element.GetProperty(name);
        var ms = value.ValueKind == JsonValueKind.Number ? value.GetInt64() : long.Parse(value.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture);
        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    public static CustomerIdentifier Person(string userId) => new(IdentifierTypes.Twitter, userId);

    /// <summary>The handle and display name: facts that may change, never identifiers.</summary>
    public static Dictionary<string, string> Profile(string? handle, string? name)
    {
        var facts = new Dictionary<string, string>();
        if (!string.IsNullOrWhiteSpace(handle))
        {
            facts["twitterHandle"] = handle;
        }
        if (!string.IsNullOrWhiteSpace(name))
        {
            facts["twitterName"] = name;
        }
        return facts;
    }

    public static string Summary(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length > MaxSummaryLength ? trimmed[..MaxSummaryLength] + "…" : trimmed;
    }

    public static string PostUrl(string? handle, string id) => $"https://x.com/{handle ?? "i/web"}/status/{id}";
}
