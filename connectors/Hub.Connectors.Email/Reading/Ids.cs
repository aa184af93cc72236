using System.Text.RegularExpressions;

namespace Hub.Connectors.Email.Reading;

/// <summary>Message-IDs as RFC 5322 writes them: angle-bracketed, compared as written.</summary>
internal static partial class Ids
{
    /// <summary>MimeKit gives ids without brackets; the hub keeps them with.</summary>
    public static string? Bracketed(string? id)
    {
        var trimmed = id?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.StartsWith('<') ? trimmed : $"<{trimmed}>";
    }

    /// <summary>Every <c>&lt;id&gt;</c> in a header value (In-Reply-To, References), in order.</summary>
    public static IEnumerable<string> Parse(string? value) =>
        value is null ? [] : Bracket().Matches(value).Select(m => m.Value);

    [GeneratedRegex("<[^<>\\s]+>")]
    private static partial Regex Bracket();
}
