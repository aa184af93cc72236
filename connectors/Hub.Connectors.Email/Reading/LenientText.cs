using System.Text;

namespace Hub.Connectors.Email.Reading;

/// <summary>
/// Decodes body bytes with the declared charset and, when they are not valid in it, as UTF-8 and then
/// windows-1252 (what the WHATWG Encoding Standard makes of <c>us-ascii</c> and <c>iso-8859-1</c>), telling the
/// caller that the declaration was wrong.
/// </summary>
internal static class LenientText
{
    static LenientText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(ReadOnlySpan<byte> bytes, string? declaredCharset, out bool broken)
    {
        broken = false;
        if (Strict(declaredCharset) is { } declared && TryDecode(declared, bytes, out var text))
        {
            return text;
        }
        broken = declaredCharset is not null || !IsAscii(bytes);
        if (TryDecode(new UTF8Encoding(false, true), bytes, out text))
        {
            return text;
        }
        return Encoding.GetEncoding(1252).GetString(bytes);
    }

    /// <summary>Whether decoded header text still shows an encoded-word that could not be decoded, or a replacement character.</summary>
    public static bool LooksUndecoded(string? text) =>
        text is not null && (text.Contains("=?", StringComparison.Ordinal) || text.Contains('\uFFFD', StringComparison.Ordinal));

    private static Encoding? Strict(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }
        try
        {
            // us-ascii as declared by mail is windows-1252 in practice; strict ASCII would refuse every 8-bit byte.
            var name = charset.Trim().ToLowerInvariant() is "us-ascii" or "ascii" or "iso-8859-1" or "latin1" ? "windows-1252" : charset.Trim();
            return Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool TryDecode(Encoding encoding, ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = encoding.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static bool IsAscii(ReadOnlySpan<byte> bytes) => System.Text.Ascii.IsValid(bytes);
}
