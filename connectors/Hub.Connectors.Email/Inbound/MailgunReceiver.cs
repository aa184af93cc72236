using System.Text.Json;
using Hub.Connectors.Email.Reading;
using Hub.Connectors.Email.Signing;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Email.Inbound;

/// <summary>
/// A Mailgun route's <c>forward()</c> post: the signature first (401 when it is missing or wrong), then the mail from
/// <c>body-mime</c> (routes ending in <c>mime</c>) or from <c>message-headers</c>, <c>body-plain</c>, <c>body-html</c>
/// and the <c>attachment-N</c> files. The signature covers only <c>timestamp</c> and <c>token</c>, not the mail, so a post
/// signed longer ago than the tolerance is refused, and the token goes to the host as single-use: a captured signature
/// cannot carry other content ("Securing Webhooks": cache the token and refuse reuse).
/// </summary>
internal static class MailgunReceiver
{
    public static InboundWebhookResult Receive(InboundWebhookRequest request, ConnectorSettings settings)
    {
        if (FormFields.Parse(request.ContentType, request.Body, out var problem) is not { } form)
        {
            return request.ContentType is null || problem!.Contains("is not a form", StringComparison.Ordinal)
                ? InboundWebhookResult.UnsupportedMediaType(problem!)
                : InboundWebhookResult.BadRequest(problem!);
        }
        var token = form.Text("token");
        if (!MailgunSignature.IsValid(settings.GetRequired(InboundParseOptions.SigningKey), form.Text("timestamp"), token, form.Text("signature")))
        {
            return InboundWebhookResult.Unauthorized("'signature' is not the HMAC-SHA256 of timestamp and token under this instance's signing key.");
        }
        var tolerance = TimeSpan.FromSeconds(settings.GetInt32(InboundParseOptions.Tolerance, InboundParseOptions.DefaultToleranceSeconds));
        if (SignedAt(form.Text("timestamp")!) is not { } signedAt)
        {
            return InboundWebhookResult.Unauthorized("'timestamp' is not a Unix time in seconds.");
        }
        if ((request.ReceivedAt - signedAt).Duration() > tolerance)
        {
            return InboundWebhookResult.Unauthorized(
                $"'timestamp' is {(long)(request.ReceivedAt - signedAt).Duration().TotalSeconds} s away from the hub's clock; at most {(long)tolerance.TotalSeconds} s are accepted ({InboundParseOptions.Tolerance}).");
        }
        var flags = new HashSet<string>();
        Mail mail;
        if (form.Field("body-mime") is { } mime)
        {
            using var stream = new MemoryStream(mime.Value);
            mail = MessageReader.Read(stream, flags);
        }
        else if (Headers(form.Text("message-headers")) is { } headers)
        {
            var attachments = form.All.Where(f => f.FileName is not null && f.Name.StartsWith("attachment-", StringComparison.Ordinal))
                .Select(f => new ParsedAttachment(f.FileName!, f.Value.LongLength, f.ContentType, f.Value)).ToList();
            mail = ParsedMail.FromHeaders(headers, form.Text("body-plain"), form.Text("body-html"), attachments, flags);
        }
        else
        {
            return InboundWebhookResult.BadRequest("The post has neither 'body-mime' nor a 'message-headers' JSON list of [name, value] pairs.");
        }
        return InboundWebhookResult.Accept([EmailMapper.ToDraft(mail, request.ReceivedAt)]) with
        {
            SingleUse = new SingleUseToken(token!, signedAt + tolerance) { Content = Content(form) },
        };
    }

    /// <summary>
    /// The fields in order, each as its name, file name and bytes with their lengths: the same whichever multipart
    /// boundary or encoding a retry of the post comes in, and different when any field differs.
    /// </summary>
    private static byte[] Content(FormFields form)
    {
        using var content = new MemoryStream();
        using var writer = new BinaryWriter(content);
        foreach (var field in form.All)
        {
            writer.Write(field.Name);
            writer.Write(field.FileName ?? "");
            writer.Write(field.Value.Length);
            writer.Write(field.Value);
        }
        writer.Flush();
        return content.ToArray();
    }

    private static DateTimeOffset? SignedAt(string timestamp) =>
        long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static List<KeyValuePair<string, string>>? Headers(string? json)
    {
        if (json is null)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return [.. document.RootElement.EnumerateArray()
                .Where(pair => pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2)
                .Select(pair => KeyValuePair.Create(pair[0].GetString() ?? "", pair[1].GetString() ?? ""))];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
