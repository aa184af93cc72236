using System.Globalization;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Webhooks.Signing;

/// <summary>The receiver checklist of Standard Webhooks: headers present, timestamp within tolerance, a matching signature.</summary>
internal static class StandardWebhookVerifier
{
    /// <summary>Null when authentic; otherwise what is wrong, for a 401.</summary>
    public static string? Problem(InboundWebhookRequest request, WebhooksOptions options)
    {
        var id = request.Header("webhook-id");
        var timestamp = request.Header("webhook-timestamp");
        var signature = request.Header("webhook-signature");
        var missing = new[] { ("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signature) }
            .Where(h => string.IsNullOrWhiteSpace(h.Item2)).Select(h => h.Item1).ToList();
        if (missing.Count > 0)
        {
            return $"Missing Standard Webhooks header(s): {string.Join(", ", missing)}.";
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "webhook-timestamp must be whole seconds since the Unix epoch.";
        }
        var age = request.ReceivedAt.ToUnixTimeSeconds() - seconds;
        if (age > options.ToleranceSeconds)
        {
            return $"webhook-timestamp is {age} s old; at most {options.ToleranceSeconds} s are accepted.";
        }
        if (-age > options.ToleranceSeconds)
        {
            return $"webhook-timestamp is {-age} s in the future; at most {options.ToleranceSeconds} s are accepted.";
        }
        return StandardWebhookSignature.Verify(options.SigningKeys, id!, timestamp!, signature!, request.Body.Span)
            ? null
            : "No webhook-signature entry matches the configured secret(s).";
    }
}
