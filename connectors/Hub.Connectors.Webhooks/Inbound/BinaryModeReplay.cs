using System.Globalization;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>
/// In binary mode the <c>ce-</c> headers are outside the signature, so a captured request could come again with another
/// <c>ce-id</c> (a new touchpoint) or <c>ce-time</c>. Standard Webhooks makes the <c>webhook-id</c> the replay protection:
/// it goes to the host as a single-use token with the attributes and body it first came with, kept for as long as its
/// timestamp passes the tolerance, so a retry (the same request again) goes through and a variation is refused.
/// </summary>
internal static class BinaryModeReplay
{
    /// <summary>The token of a request <see cref="Signing.StandardWebhookVerifier"/> found authentic.</summary>
    public static SingleUseToken Token(InboundWebhookRequest request, WebhooksOptions options)
    {
        var id = request.Header("webhook-id")!;
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(request.Header("webhook-timestamp")!, NumberStyles.None, CultureInfo.InvariantCulture));
        // The verifier compares whole seconds, so a request up to a second past the tolerance still passes it.
        return new SingleUseToken(id, signedAt.AddSeconds(options.ToleranceSeconds + 1))
        {
            Content = Content(request),
            ReuseDetail = $"webhook-id '{id}' was already used with different CloudEvents attributes (ce- headers, which the signature does not cover) "
                + "or body. A retry must repeat the request unchanged; a new event needs a new webhook-id and signature.",
        };
    }

    /// <summary>The attribute headers as sent, then the body: equal for a retry, different when any of them differs.</summary>
    private static byte[] Content(InboundWebhookRequest request)
    {
        using var content = new MemoryStream();
        using var writer = new BinaryWriter(content);
        foreach (var name in CloudEventMapper.BinaryAttributes)
        {
            var value = request.Header($"ce-{name}");
            writer.Write(value is not null);
            writer.Write(value ?? "");
        }
        writer.Write(request.Body.Length);
        writer.Write(request.Body.Span);
        writer.Flush();
        return content.ToArray();
    }
}
