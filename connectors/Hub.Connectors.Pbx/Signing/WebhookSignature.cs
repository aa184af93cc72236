using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Pbx.Signing;

/// <summary>
/// Standard Webhooks 1.0 (<c>v1</c>, HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>), checked over the raw
/// body bytes with the receiver checklist: headers present, timestamp within tolerance, a matching signature.
/// </summary>
internal static class WebhookSignature
{
    /// <summary>Standard Webhooks secrets are 24 to 64 random bytes; a shorter key is a password, not a secret.</summary>
    public const int MinimumKeyBytes = 24;

    /// <summary>A base64 secret, <c>whsec_</c> prefix optional (as Standard Webhooks libraries read it), of at least <see cref="MinimumKeyBytes"/> bytes.</summary>
    public static bool TryDecodeSecret(string secret, out byte[] key)
    {
        var text = secret.Trim();
        text = text.StartsWith("whsec_", StringComparison.Ordinal) ? text[6..] : text;
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

    /// <summary>Null when authentic; otherwise what is wrong, for a 401.</summary>
    public static string? Problem(InboundWebhookRequest request, PbxOptions options)
    {
        var id = request.Header("webhook-id");
        var timestamp = request.Header("webhook-timestamp");
        var signature = request.Header("webhook-signature");
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(timestamp) || string.IsNullOrWhiteSpace(signature))
        {
            return "webhook-id, webhook-timestamp and webhook-signature are required (Standard Webhooks).";
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "webhook-timestamp must be whole seconds since the Unix epoch.";
        }
        if (Math.Abs(request.ReceivedAt.ToUnixTimeSeconds() - seconds) > options.ToleranceSeconds)
        {
            return $"webhook-timestamp is more than {options.ToleranceSeconds} s away from the hub's clock.";
        }
        var candidates = signature.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e.StartsWith("v1,", StringComparison.Ordinal)).Select(e => Base64(e[3..])).OfType<byte[]>().ToList();
        var matched = false;
        foreach (var key in options.SigningKeys)
        {
            var expected = Mac(key, id, timestamp, request.Body.Span);
            foreach (var candidate in candidates)
            {
                matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
            }
        }
        return matched ? null : "No webhook-signature entry matches the configured secret(s).";
    }

    private static byte[] Mac(byte[] key, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{timestamp}."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static byte[]? Base64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
