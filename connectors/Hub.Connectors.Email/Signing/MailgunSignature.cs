using System.Security.Cryptography;
using System.Text;

namespace Hub.Connectors.Email.Signing;

/// <summary>
/// Mailgun's webhook signature: lower-case hex of HMAC-SHA256 over <c>timestamp + token</c> (no separator) keyed with
/// the domain's webhook signing key, compared in constant time. It does not cover the body, hence HTTPS.
/// </summary>
internal static class MailgunSignature
{
    public static bool IsValid(string signingKey, string? timestamp, string? token, string? signature)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(token) || string.IsNullOrEmpty(signature))
        {
            return false;
        }
        var expected = Compute(signingKey, timestamp, token);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    public static string Compute(string signingKey, string timestamp, string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.UTF8.GetBytes(timestamp + token)));
}
