using System.Text.Json;
using Hub.Connectors.Email.Reading;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Email.Inbound;

/// <summary>
/// A SendGrid Inbound Parse post (<c>multipart/form-data</c>): basic auth of the webhook URL first, then the mail
/// from <c>email</c> ("Send Raw") or from <c>headers</c>, <c>text</c> and <c>html</c> (each decoded with its charset
/// from <c>charsets</c>, which SendGrid does not put on the parts) and the <c>attachmentN</c> files.
/// </summary>
internal static class SendGridReceiver
{
    public static InboundWebhookResult Receive(InboundWebhookRequest request, ConnectorSettings settings)
    {
        if (BasicAuthentication.Refusal(request, settings, "SendGrid") is { } refusal)
        {
            return refusal;
        }
        if (FormFields.Parse(request.ContentType, request.Body, out var problem) is not { } form)
        {
            return request.ContentType is null || problem!.Contains("is not a form", StringComparison.Ordinal)
                ? InboundWebhookResult.UnsupportedMediaType(problem!)
                : InboundWebhookResult.BadRequest(problem!);
        }
        var flags = new HashSet<string>();
        Mail mail;
        if (form.Field("email") is { } raw)
        {
            using var stream = new MemoryStream(raw.Value);
            mail = MessageReader.Read(stream, flags);
        }
        else if (form.Text("headers") is { } headers)
        {
            var charsets = Charsets(form.Text("charsets"));
            var types = AttachmentTypes(form.Text("attachment-info"));
            var attachments = form.All.Where(f => f.FileName is not null && f.Name.StartsWith("attachment", StringComparison.Ordinal))
                .Select(f => new ParsedAttachment(f.FileName!, f.Value.LongLength, types.GetValueOrDefault(f.Name) ?? f.ContentType, f.Value)).ToList();
            mail = ParsedMail.FromHeaderBlock(headers, Decode(form, "text", charsets, flags), Decode(form, "html", charsets, flags), attachments, flags);
        }
        else
        {
            return InboundWebhookResult.BadRequest("The post has neither 'email' (Send Raw) nor 'headers': it is not an Inbound Parse post.");
        }
        return InboundWebhookResult.Accept([EmailMapper.ToDraft(mail, request.ReceivedAt)]);
    }

    private static string? Decode(FormFields form, string name, Dictionary<string, string> charsets, ISet<string> flags)
    {
        if (form.Field(name) is not { } field)
        {
            return null;
        }
        var text = LenientText.Decode(field.Value, charsets.GetValueOrDefault(name), out var broken);
        if (broken)
        {
            flags.Add(MailFlags.BrokenEncoding);
        }
        return text;
    }

    /// <summary><c>attachment-info</c>: <c>{"attachment1": {"filename": ..., "type": "image/gif"}, ...}</c> → field name to content type.</summary>
    private static Dictionary<string, string> AttachmentTypes(string? json)
    {
        if (json is null)
        {
            return [];
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind != JsonValueKind.Object ? [] : document.RootElement.EnumerateObject()
                .Where(a => a.Value.ValueKind == JsonValueKind.Object && a.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
                .ToDictionary(a => a.Name, a => a.Value.GetProperty("type").GetString()!);
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static Dictionary<string, string> Charsets(string? json)
    {
        if (json is null)
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
