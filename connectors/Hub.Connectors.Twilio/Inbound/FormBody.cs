using System.Text;

namespace Hub.Connectors.Twilio.Inbound;

/// <summary>
/// An <c>application/x-www-form-urlencoded</c> body as ordered key/value pairs: every pair kept (unknown
/// and repeated keys too, since the signature covers them), <c>+</c> and <c>%20</c> read as space, UTF-8.
/// </summary>
internal sealed class FormBody
{
    private FormBody(IReadOnlyList<KeyValuePair<string, string>> pairs) => Pairs = pairs;

    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; }

    /// <summary>The first value of <paramref name="key"/> (case-sensitive, as Twilio names its parameters), or null when absent or empty.</summary>
    public string? this[string key] =>
        Pairs.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.Ordinal)).Value is { Length: > 0 } value ? value : null;

    public static FormBody Parse(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            pairs.Add(new(Decode(key), Decode(value)));
        }
        return new FormBody(pairs);
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
