using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Hub.Connectors.Email.Reading;

/// <summary>
/// A mail an inbound-parse service has already taken apart: its header block, its text and HTML bodies and its
/// attachments. Read through the same <see cref="MessageReader"/> as a raw message, so the touchpoint is the same.
/// </summary>
internal static class ParsedMail
{
    /// <summary>From a raw header block (SendGrid's <c>headers</c> field).</summary>
    public static Mail FromHeaderBlock(string headers, string? text, string? html, IReadOnlyList<ParsedAttachment> attachments, ISet<string> flags)
    {
        // A header block followed by an empty body loads as a message whose headers MimeKit decodes as usual.
        var raw = headers.TrimEnd('\r', '\n') + "\r\n\r\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw));
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            // As a raw message with these headers would be: unreadable, kept under the digest of what was posted.
            flags.Add(MailFlags.MalformedMime);
            flags.Add(MailFlags.Unreadable);
            return new Mail { Flags = (IReadOnlySet<string>)flags, Digest = Digest(raw, text, html) };
        }
        var mail = MessageReader.Read(message, flags, headersOnly: true);
        return mail with
        {
            Text = !string.IsNullOrEmpty(text) ? text : !string.IsNullOrEmpty(html) ? HtmlText.ToText(html) : null,
            Attachments = [.. attachments.Select(a => new Attachment(a.Name, a.Size))],
            DeliveryStatuses = mail.DeliveryStatuses.Count > 0 ? mail.DeliveryStatuses : [.. DeliveryStatuses(mail, attachments)],
        };
    }

    /// <summary>From (name, value) pairs (Mailgun's <c>message-headers</c>, Postmark's <c>Headers</c> and fields).</summary>
    public static Mail FromHeaders(IEnumerable<KeyValuePair<string, string>> headers, string? text, string? html, IReadOnlyList<ParsedAttachment> attachments, ISet<string> flags)
    {
        var block = new StringBuilder();
        foreach (var (name, value) in headers)
        {
            // Values arrive unfolded and decoded; fold nothing, but keep a header on one line.
            block.Append(name).Append(": ").Append(value.ReplaceLineEndings(" ")).Append("\r\n");
        }
        return FromHeaderBlock(block.ToString(), text, html, attachments, flags);
    }

    /// <summary>
    /// The services post a report's <c>message/delivery-status</c> part as an attachment. It is read when the headers
    /// say the mail is a delivery report, or when the mail system sent it (a service may leave out Content-Type).
    /// </summary>
    private static IEnumerable<DeliveryStatus> DeliveryStatuses(Mail mail, IReadOnlyList<ParsedAttachment> attachments) =>
        MailKinds.IsDeliveryReport(mail.Header("Content-Type")) || MailKinds.IsMailSystem(mail.FromAddress)
            ? attachments.Where(a => a.Content is not null && DeliveryReports.IsDeliveryStatus(a.ContentType)).SelectMany(a => DeliveryReports.Read(a.Content!))
            : [];

    private static string Digest(string headers, string? text, string? html) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', headers, text, html))));
}

/// <summary>An attachment as an inbound-parse service posts it: its name and size and, where the service gives them, its content type and bytes.</summary>
internal sealed record ParsedAttachment(string Name, long Size, string? ContentType = null, byte[]? Content = null);
