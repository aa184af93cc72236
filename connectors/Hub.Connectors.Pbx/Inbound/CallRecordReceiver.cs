using System.Text.Json;
using Hub.Connectors.Pbx.Signing;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Pbx.Inbound;

/// <summary>Authenticates with Standard Webhooks, then reads one call record or an array of them; a body is taken whole or not at all.</summary>
internal static class CallRecordReceiver
{
    public static InboundWebhookResult Receive(InboundWebhookRequest request, PbxOptions options)
    {
        if (WebhookSignature.Problem(request, options) is { } problem)
        {
            return InboundWebhookResult.Unauthorized(problem);
        }
        var mediaType = string.IsNullOrWhiteSpace(request.ContentType) ? null : request.ContentType.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not (null or "application/json"))
        {
            return InboundWebhookResult.UnsupportedMediaType($"Content-Type '{request.ContentType}' is not read; post call records as application/json.");
        }
        // The JSON reader checks UTF-8 only in what it is asked to read, so a bad byte in a string would fail later or never.
        if (!System.Text.Unicode.Utf8.IsValid(request.Body.Span))
        {
            return InboundWebhookResult.BadRequest("The body is not valid UTF-8, which JSON must be.");
        }
        try
        {
            using var document = JsonDocument.Parse(request.Body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            IReadOnlyList<JsonElement> records = root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray()] : [root];
            var touchpoints = new List<TouchpointDraft>(records.Count);
            for (var i = 0; i < records.Count; i++)
            {
                var (touchpoint, bad) = PbxMapper.Map(records[i]);
                if (bad is not null)
                {
                    return InboundWebhookResult.BadRequest(records.Count > 1 ? $"record {i}: {bad}" : bad);
                }
                touchpoints.Add(touchpoint!);
            }
            return InboundWebhookResult.Accept(touchpoints);
        }
        catch (JsonException e)
        {
            return InboundWebhookResult.BadRequest($"The body is not valid JSON: {e.Message}");
        }
    }
}
