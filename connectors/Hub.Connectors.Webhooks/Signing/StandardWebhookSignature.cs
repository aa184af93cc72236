using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Connectors.Webhooks.Signing;

/// <summary>
/// The Standard Webhooks 1.0 symmetric scheme (<c>v1</c>, HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>),
/// computed over the raw body bytes: re-serialized JSON would not verify.
/// </summary>
internal static class StandardWebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>
    /// The shortest key taken: 128 bits. The specification recommends 24 to 64 random bytes, but the secret is the
    /// sender's, and its reference libraries verify shorter ones (the shared vectors have a 23-byte key).
    /// </summary>
    public const int MinimumKeyBytes = 16;

    /// <summary>Strips the optional <c>whsec_</c> prefix and base64-decodes (padding optional).</summary>
    public static bool TryDecodeSecret(string secret, out byte[] key)
    {
        var text = secret.Trim();
        if (text.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            text = text[SecretPrefix.Length..];
        }
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        try
        {
            key = Convert.FromBase64String(text);
            return key.Length >= MinimumKeyBytes;
        }
        catch (FormatException)
        {
            key = [];
            return false;
        }
    }

    /// <summary>The header entry <c>v1,&lt;base64&gt;</c>.</summary>
    public static string Sign(byte[] key, string messageId, long timestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Mac(key, messageId, timestamp.ToString(CultureInfo.InvariantCulture), body));

    /// <summary>True when any <c>v1</c> entry of the header matches any of the keys (constant-time compare).</summary>
    public static bool Verify(IReadOnlyList<byte[]> keys, string messageId, string timestamp, string signatureHeader, ReadOnlySpan<byte> body)
    {
        var candidates = new List<byte[]>();
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0 || entry[..comma] != "v1")
            {
                continue;
            }
            try
            {
                candidates.Add(Convert.FromBase64String(entry[(comma + 1)..]));
            }
            catch (FormatException)
            {
                // A malformed entry is skipped like an unknown version; another entry may still match.
            }
        }
        var matched = false;
        foreach (var key in keys)
        {
            var expected = Mac(key, messageId, timestamp, body);
            foreach (var candidate in candidates)
            {
                matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
            }
        }
        return matched;
    }

    private static byte[] Mac(byte[] key, string messageId, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
