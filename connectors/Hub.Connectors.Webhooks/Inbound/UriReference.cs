namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>
/// The characters of an RFC 3986 URI-reference, which a CloudEvent's <c>source</c> must be. International characters
/// (an IRI's, RFC 3987) are let through; what no URI or IRI holds is refused: white space, control characters,
/// <c>"&lt;&gt;\^`{|}</c>, and a <c>%</c> not followed by two hex digits.
/// </summary>
internal static class UriReference
{
    private const string Excluded = "\"<>\\^`{|}";

    /// <summary>Null when <paramref name="value"/> may be a URI-reference; otherwise which character is wrong, and where.</summary>
    public static string? Problem(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return $"it holds {(c == ' ' ? "a space" : $"U+{(int)c:X4}")} at position {i} (percent-encode it: %20 for a space)";
            }
            if (Excluded.Contains(c, StringComparison.Ordinal))
            {
                return $"it holds '{c}' at position {i} (percent-encode it)";
            }
            if (c == '%' && (i + 2 >= value.Length || !IsHex(value[i + 1]) || !IsHex(value[i + 2])))
            {
                return $"the '%' at position {i} is not followed by two hex digits";
            }
        }
        return null;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
