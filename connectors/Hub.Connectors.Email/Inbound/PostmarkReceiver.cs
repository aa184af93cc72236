using System.Text.Json;
using Hub.Connectors.Email.Reading;
using Hub.Contracts.Connectors;
using MimeKit.Utils;

namespace Hub.Connectors.Email.Inbound;

/// <summary>
/// A Postmark inbound webhook (one message as JSON): basic auth of the webhook URL first, then the mail from
/// <c>RawEmail</c> when the server sends it, else from <c>From</c>/<c>FromName</c>, <c>To</c>, <c>Subject</c>,
/// <c>Date</c>, the <c>Headers</c> list (Message-ID, In-Reply-To, References live there), the bodies and the
/// <c>Attachments</c> (name and <c>ContentLength</c>; the content is not kept).
/// </summary>
internal static class PostmarkReceiver
{
    public static InboundWebhookResult Receive(InboundWebhookRequest request, ConnectorSettings settings)
    {
        if (BasicAuthentication.Refusal(request, settings, "Postmark") is { } refusal)
        {
            return refusal;
        }
        if (request.ContentType is null || !request.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return InboundWebhookResult.UnsupportedMediaType("Postmark posts application/json.");
        }
        // The JSON reader checks UTF-8 only in what it is asked to read, so a bad byte in a string would fail later or never.
        if (!System.Text.Unicode.Utf8.IsValid(request.Body.Span))
        {
            return InboundWebhookResult.BadRequest("The body is not valid UTF-8, which JSON must be.");
        }
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "From") is null && Text(root, "RawEmail") is null)
            {
                return InboundWebhookResult.BadRequest("The JSON is not a Postmark inbound message: it has no 'From'.");
            }
            return InboundWebhookResult.Accept([EmailMapper.ToDraft(Read(root), request.ReceivedAt)]);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return InboundWebhookResult.BadRequest($"The JSON is not a Postmark inbound message: {e.Message}");
        }
    }

    private static Mail Read(JsonElement root)
    {
        var flags = new HashSet<string>();
        if (Text(root, "RawEmail") is { Length: > 0 } raw)
        {
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw));
            return MessageReader.Read(stream, flags);
        }
        var from = Text(root, "FromName") is { Length: > 0 } name ? $"{MimeUtils.Quote(name)} <{Text(root, "From")}>" : Text(root, "From")!;
        var headers = new List<KeyValuePair<string, string>> { KeyValuePair.Create("From", from) };
        foreach (var field in (string[])["To", "Cc", "Subject", "Date"])
        {
            if (Text(root, field) is { Length: > 0 } value)
            {
                headers.Add(KeyValuePair.Create(field, value));
            }
        }
        if (root.TryGetProperty("Headers", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            headers.AddRange(list.EnumerateArray().Select(h => KeyValuePair.Create(Text(h, "Name") ?? "", Text(h, "Value") ?? "")).Where(h => h.Key.Length > 0));
        }
        var attachments = root.TryGetProperty("Attachments", out var files) && files.ValueKind == JsonValueKind.Array
            ? files.EnumerateArray().Select(a => new ParsedAttachment(
                Text(a, "Name") ?? "attachment", a.TryGetProperty("ContentLength", out var length) ? length.GetInt64() : 0, Text(a, "ContentType"), Content(a))).ToList()
            : [];
        return ParsedMail.FromHeaders(headers, Text(root, "TextBody"), Text(root, "HtmlBody"), attachments, flags);
    }

    /// <summary>Only a delivery report's content is decoded (the rest is never read); content that is not base64 is left out.</summary>
    private static byte[]? Content(JsonElement attachment)
    {
        if (!DeliveryReports.IsDeliveryStatus(Text(attachment, "ContentType")) || Text(attachment, "Content") is not { } base64)
        {
            return null;
        }
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var written) ? bytes[..written] : null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
