using System.Text;
using MimeKit;

namespace Hub.Connectors.Conformance;

/// <summary>
/// The raw message an inbound-parse provider (SendGrid, Mailgun, Postmark) took apart, put back together: what the
/// same mail looks like in an IMAP mailbox. Tests compare the touchpoint of a provider's post with that of its twin.
/// </summary>
public static class MailTwin
{
    public static byte[] Build(IEnumerable<KeyValuePair<string, string>> headers, string? text, string? html, IEnumerable<(string Name, string Type, byte[] Content)> attachments)
    {
        var block = string.Concat(headers
            .Where(h => !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Content-Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Key}: {h.Value}\r\n"));
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(block + "\r\n")));
        var body = new BodyBuilder { TextBody = text, HtmlBody = html };
        foreach (var (name, type, content) in attachments)
        {
            // Base64, as mail clients send files: a text attachment keeps its own line endings.
            var attachment = (MimePart)body.Attachments.Add(name, content, ContentType.Parse(type));
            attachment.ContentTransferEncoding = ContentEncoding.Base64;
        }
        message.Body = body.ToMessageBody();
        using var raw = new MemoryStream();
        message.WriteTo(raw);
        return raw.ToArray();
    }

    public static List<KeyValuePair<string, string>> HeaderBlock(string block) =>
        [.. HeaderList.Load(new MemoryStream(Encoding.UTF8.GetBytes(block.TrimEnd() + "\r\n\r\n"))).Select(h => KeyValuePair.Create(h.Field, h.Value))];
}
