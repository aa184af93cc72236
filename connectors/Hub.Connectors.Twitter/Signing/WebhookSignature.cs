using System.Security.Cryptography;
using System.Text;

namespace Hub.Connectors.Twitter.Signing;

/// <summary>
/// X's two uses of the consumer secret: the CRC answer, <c>sha256=</c> + base64 HMAC-SHA256 over the (decoded)
/// <c>crc_token</c>, and <c>x-twitter-webhooks-signature</c>, the same over the raw request body.
/// </summary>
internal static class WebhookSignature
{
    public const string Header = "x-twitter-webhooks-signature";

    public static string Of(string consumerSecret, ReadOnlySpan<byte> message) =>
        "sha256=" + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(consumerSecret), message));

    public static string CrcResponseToken(string consumerSecret, string crcToken) => Of(consumerSecret, Encoding.UTF8.GetBytes(crcToken));

    public static bool Matches(string consumerSecret, ReadOnlySpan<byte> body, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Of(consumerSecret, body)), Encoding.ASCII.GetBytes(signature.Trim()));
}
