using System.Text.Json;
using Hub.Connectors.Webhooks.Signing;
using Hub.Contracts.CloudEvents;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>Authenticates with Standard Webhooks, then reads a Segment call or a touchpoint CloudEvent.</summary>
internal static class WebhookReceiver
{
    private const string AcceptedMediaTypes =
        "application/json (Segment calls, or a CloudEvent's data with ce- headers), application/cloudevents+json or application/cloudevents-batch+json";

    public static InboundWebhookResult Receive(InboundWebhookRequest request, ConnectorInstance instance)
    {
        var options = WebhooksOptions.From(instance.Settings);
        if (StandardWebhookVerifier.Problem(request, options) is { } problem)
        {
            return InboundWebhookResult.Unauthorized(problem);
        }
        var mediaType = MediaType(request.ContentType);
        if (mediaType is null || (mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal)))
        {
            var sent = mediaType is null ? "A request without Content-Type" : $"Content-Type '{request.ContentType}'";
            return InboundWebhookResult.UnsupportedMediaType(
                $"{sent} is not read; send {AcceptedMediaTypes}.");
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
            if (UnreadableText.FirstIn(root) is { } where)
            {
                return InboundWebhookResult.BadRequest(
                    $"{where} holds an escaped lone surrogate (such as \\ud800), which is not text; JSON strings must be valid Unicode.");
            }
            var binaryMode = mediaType is not (CloudEventMapper.BatchMediaType or TouchpointCloudEvent.StructuredMediaType)
                && CloudEventMapper.IsBinaryMode(request);
            var mapped = mediaType switch
            {
                CloudEventMapper.BatchMediaType when root.ValueKind != JsonValueKind.Array => MappingResult.Fail(
                    $"A {CloudEventMapper.BatchMediaType} body is a JSON array of events; send one event as {TouchpointCloudEvent.StructuredMediaType}."),
                CloudEventMapper.BatchMediaType => CloudEventMapper.Map(root, context),
                TouchpointCloudEvent.StructuredMediaType when root.ValueKind != JsonValueKind.Object => MappingResult.Fail(
                    $"A {TouchpointCloudEvent.StructuredMediaType} body is one event, a JSON object; send several as {CloudEventMapper.BatchMediaType}."),
                TouchpointCloudEvent.StructuredMediaType => CloudEventMapper.Map(root, context),
                _ when binaryMode => CloudEventMapper.MapBinary(request, root, context),
                _ when CloudEventMapper.LooksLikeCloudEvent(root) => CloudEventMapper.Map(root, context),
                _ => SegmentMapper.Map(root, context),
            };
            if ((mapped.Problem ?? TooLong(mapped.Touchpoints)) is { } bad)
            {
                return InboundWebhookResult.BadRequest(bad);
            }
            var accepted = InboundWebhookResult.Accept(mapped.Touchpoints);
            return binaryMode ? accepted with { SingleUse = BinaryModeReplay.Token(request, options) } : accepted;
        }
    }

    // A sender of these formats can be told what to fix, so an identity the hub cannot store refuses the request too
    // (vendor connectors keep such an identity among the touchpoint's rejected ones instead).
    private static string? TooLong(IReadOnlyList<TouchpointDraft> touchpoints)
    {
        for (var i = 0; i < touchpoints.Count; i++)
        {
            if ((TouchpointLimits.Exceeded(touchpoints[i]) ?? TouchpointLimits.IdentityExceeded(touchpoints[i])) is { } problem)
            {
                return (touchpoints.Count > 1 ? $"Touchpoint [{i}]: " : "") + problem;
            }
        }
        return null;
    }

    private static string? MediaType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null : contentType.Split(';')[0].Trim().ToLowerInvariant();
}
