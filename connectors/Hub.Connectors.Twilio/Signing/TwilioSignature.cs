using System.Security.Cryptography;
using System.Text;

namespace Hub.Connectors.Twilio.Signing;

/// <summary>
/// X-Twilio-Signature exactly as Twilio computes it: base64(HMAC-SHA1(auth token, URL + each POST parameter
/// as key + value, keys in ordinal order, a repeated key's distinct values sorted)). JSON bodies are signed
/// through the URL alone, which then carries <c>bodySHA256</c>, the hex SHA-256 of the raw body.
/// </summary>
internal static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters) =>
        Convert.ToBase64String(Mac(authToken, url, parameters));

    /// <summary>True when the signature matches the URL (or one of its port variants); compared in constant time.</summary>
    public static bool Matches(string authToken, string signature, IEnumerable<string> urls, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        var matched = false;
        foreach (var url in urls)
        {
            matched |= CryptographicOperations.FixedTimeEquals(Mac(authToken, url, parameters), presented);
        }
        return matched;
    }

    /// <summary>The lowercase hex SHA-256 a JSON body's URL carries as <c>bodySHA256</c>.</summary>
    public static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    private static byte[] Mac(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var text = new StringBuilder(url);
        foreach (var group in parameters.GroupBy(p => p.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var value in group.Select(p => p.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                text.Append(group.Key).Append(value);
            }
        }
        return HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(text.ToString()));
    }
}
