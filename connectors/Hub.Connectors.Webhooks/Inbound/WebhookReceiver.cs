using System.Text.Json;
using Hub.Connectors.Webhooks.Signing;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>Authenticates with Standard Webhooks, then reads a Segment call or a touchpoint CloudEvent.</summary>
internal static class WebhookReceiver
{
    public static InboundWebhookResult Receive(InboundWebhookRequest request, ConnectorInstance instance)
    {
        var options = WebhooksOptions.From(instance.Settings);
        if (StandardWebhookVerifier.Problem(request, options) is { } problem)
        {
            return InboundWebhookResult.Unauthorized(problem);
        }
        var mediaType = MediaType(request.ContentType);
        if (mediaType is not null && mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            return InboundWebhookResult.UnsupportedMediaType(
                $"Content-Type '{request.ContentType}' is not read; send application/json (Segment calls) or application/cloudevents+json.");
        }
        // The JSON reader checks UTF-8 only in what it is asked to read, so a bad byte in a string would fail later or never.
        if (!System.Text.Unicode.Utf8.IsValid(request.Body.Span))
        {
            return InboundWebhookResult.BadRequest("The body is not valid UTF-8, which JSON must be.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request.Body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            return InboundWebhookResult.BadRequest($"The body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var context = new MappingContext(
                request.Header("webhook-id")!,
                request.ReceivedAt,
                options.Channel,
                $"{instance.Id.ToLowerInvariant()}:user");
            var root = document.RootElement;
            var isCloudEvents = mediaType is "application/cloudevents+json" or "application/cloudevents-batch+json"
                || CloudEventMapper.LooksLikeCloudEvent(root);
            var mapped = isCloudEvents ? CloudEventMapper.Map(root, context) : SegmentMapper.Map(root, context);
            return mapped.Problem is { } bad
                ? InboundWebhookResult.BadRequest(bad)
                : InboundWebhookResult.Accept(mapped.Touchpoints);
        }
    }

    private static string? MediaType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null : contentType.Split(';')[0].Trim().ToLowerInvariant();
}
