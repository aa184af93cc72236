using System.Text;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>
/// A <c>ce-</c> header value as the CloudEvents HTTP binding encodes it: optionally an RFC 7230 quoted-string, then
/// percent-encoded UTF-8 (<c>Euro%20%E2%82%AC</c>). Decoded once; invalid UTF-8 is refused, as the binding says.
/// </summary>
internal static class CloudEventHeader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The decoded value, or null when it is not valid percent-encoded UTF-8.</summary>
    public static string? Decode(string value)
    {
        var text = value.Trim();
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            var unquoted = new StringBuilder(text.Length);
            for (var i = 1; i < text.Length - 1; i++)
            {
                unquoted.Append(text[i] == '\\' && i + 1 < text.Length - 1 ? text[++i] : text[i]);
            }
            text = unquoted.ToString();
        }
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%')
            {
                if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var octet))
                {
                    return null;
                }
                bytes.Add(octet);
                i += 2;
            }
            else if (text[i] > 0x7E)
            {
                return null; // the binding percent-encodes everything outside printable ASCII
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }
        try
        {
            return StrictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
