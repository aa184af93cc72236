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
    public static Mail FromHeaderBlock(string headers, string? text, string? html, IReadOnlyList<Attachment> attachments, ISet<string> flags)
    {
        // A header block followed by an empty body loads as a message whose headers MimeKit decodes as usual.
        var raw = headers.TrimEnd('\r', '\n') + "\r\n\r\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw));
        var message = MimeMessage.Load(stream);
        return With(MessageReader.Read(message, flags, headersOnly: true), text, html, attachments);
    }

    /// <summary>From (name, value) pairs (Mailgun's <c>message-headers</c>, Postmark's <c>Headers</c> and fields).</summary>
    public static Mail FromHeaders(IEnumerable<KeyValuePair<string, string>> headers, string? text, string? html, IReadOnlyList<Attachment> attachments, ISet<string> flags)
    {
        var block = new StringBuilder();
        foreach (var (name, value) in headers)
        {
            // Values arrive unfolded and decoded; fold nothing, but keep a header on one line.
            block.Append(name).Append(": ").Append(value.ReplaceLineEndings(" ")).Append("\r\n");
        }
        return FromHeaderBlock(block.ToString(), text, html, attachments, flags);
    }

    private static Mail With(Mail mail, string? text, string? html, IReadOnlyList<Attachment> attachments) => mail with
    {
        Text = !string.IsNullOrEmpty(text) ? text : !string.IsNullOrEmpty(html) ? HtmlText.ToText(html) : null,
        Attachments = attachments,
    };
}
