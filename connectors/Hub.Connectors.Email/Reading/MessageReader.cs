using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;

namespace Hub.Connectors.Email.Reading;

/// <summary>
/// Reads a raw message (IMAP, SendGrid's raw mode, Mailgun's <c>body-mime</c>) into a <see cref="Mail"/>, as far as
/// it can be read: MimeKit's parser is lenient, bodies are decoded with <see cref="LenientText"/>, and what was wrong
/// becomes a flag instead of an error.
/// </summary>
internal static partial class MessageReader
{
    public static Mail Read(Stream raw, ISet<string>? flags = null, bool headersOnly = false)
    {
        flags ??= new HashSet<string>();
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(ParserOptions.Default, raw);
        }
        catch (FormatException)
        {
            flags.Add(MailFlags.MalformedMime);
            flags.Add(MailFlags.Unreadable);
            return new Mail { Flags = (IReadOnlySet<string>)flags, Digest = Digest(raw) };
        }
        return Read(message, flags, headersOnly);
    }

    /// <param name="message">The message.</param>
    /// <param name="flags">Defects found so far; the reader adds its own.</param>
    /// <param name="headersOnly">Only the headers are there (an oversized message, an inbound-parse post): no body is no defect.</param>
    public static Mail Read(MimeMessage message, ISet<string>? flags = null, bool headersOnly = false)
    {
        flags ??= new HashSet<string>();
        var from = message.From.Mailboxes.FirstOrDefault();
        // MimeKit moves the top-level Content-* headers (Content-Type among them) to the body; classification needs them.
        var headers = (message.Body is { } body ? message.Headers.Concat(body.Headers) : message.Headers).Select(h => KeyValuePair.Create(h.Field, h.Value)).ToList();
        if (!headersOnly && (message.Body is null || !message.BodyParts.Any() || HasBrokenMultipart(message)))
        {
            flags.Add(MailFlags.MalformedMime);
        }
        if (LooksBroken(message))
        {
            flags.Add(MailFlags.BrokenEncoding);
        }
        var text = BodyText(message, "plain", flags) ?? (BodyText(message, "html", flags) is { } html ? HtmlText.ToText(html) : null);
        return new Mail
        {
            MessageId = Ids.Bracketed(message.MessageId),
            InReplyTo = [.. Ids.Parse(message.Headers[HeaderId.InReplyTo])],
            References = [.. message.References.Select(Ids.Bracketed).OfType<string>()],
            Date = message.Headers.Contains(HeaderId.Date) ? message.Date : null,
            FromAddress = from?.Address,
            FromName = string.IsNullOrWhiteSpace(from?.Name) ? null : from.Name,
            To = [.. message.To.Mailboxes.Select(m => m.Address)],
            Subject = Subject(message),
            Text = text,
            Attachments = [.. Attachments(message)],
            Headers = headers,
            DeliveryStatuses = [.. DeliveryReports.Read(message)],
            Flags = (IReadOnlySet<string>)flags,
        };
    }

    /// <summary>
    /// The subject, with base64 encoded-words that lost their <c>=</c> padding padded again first: MimeKit drops an
    /// incomplete last quantum, and with it the subject's last character ("Bestellung 1045" for "Bestellung 10452").
    /// </summary>
    private static string? Subject(MimeMessage message)
    {
        if (message.Headers.FirstOrDefault(h => h.Id == HeaderId.Subject) is not { } header)
        {
            return null;
        }
        // Latin-1 maps each byte to one char and back, so 8-bit bytes reach the decoder as they came.
        var raw = Encoding.Latin1.GetString(header.RawValue);
        var padded = UnpaddedBase64Word().Replace(raw, m => m.Value[..^2] + new string('=', (4 - m.Groups["text"].Length % 4) % 4) + "?=");
        return padded == raw
            ? message.Subject
            : Header.Unfold(Rfc2047.DecodeText(ParserOptions.Default, Encoding.Latin1.GetBytes(padded)));
    }

    [GeneratedRegex(@"=\?[^?\s]+\?[Bb]\?(?<text>[A-Za-z0-9+/]+)\?=")]
    private static partial Regex UnpaddedBase64Word();

    private static string? Digest(Stream raw)
    {
        if (!raw.CanSeek)
        {
            return null;
        }
        raw.Position = 0;
        return Convert.ToHexStringLower(SHA256.HashData(raw));
    }

    private static string? BodyText(MimeMessage message, string subtype, ISet<string> flags)
    {
        var part = message.BodyParts.OfType<TextPart>()
            .FirstOrDefault(p => p.ContentType.IsMimeType("text", subtype) && !p.IsAttachment && p.FileName is null);
        if (part?.Content is null)
        {
            return null;
        }
        using var bytes = new MemoryStream();
        part.Content.DecodeTo(bytes);
        var text = LenientText.Decode(bytes.GetBuffer().AsSpan(0, (int)bytes.Length), part.ContentType.Charset, out var broken);
        if (broken)
        {
            flags.Add(MailFlags.BrokenEncoding);
        }
        return text;
    }

    private static IEnumerable<Attachment> Attachments(MimeMessage message)
    {
        foreach (var part in message.BodyParts.OfType<MimePart>())
        {
            if (part.FileName is not { } name || part.Content is null)
            {
                continue;
            }
            using var counter = new CountingStream();
            part.Content.DecodeTo(counter);
            yield return new Attachment(name, counter.Length);
        }
    }

    /// <summary>A multipart without a boundary, or whose boundary never occurs (no parts): MimeKit keeps the text as preamble.</summary>
    private static bool HasBrokenMultipart(MimeMessage message)
    {
        var multiparts = new List<Multipart>();
        Collect(message.Body, multiparts);
        return multiparts.Any(m => m.Count == 0 || string.IsNullOrEmpty(m.ContentType.Boundary));
    }

    private static void Collect(MimeEntity? entity, List<Multipart> multiparts)
    {
        if (entity is Multipart multipart)
        {
            multiparts.Add(multipart);
            foreach (var child in multipart)
            {
                Collect(child, multiparts);
            }
        }
    }

    private static bool LooksBroken(MimeMessage message) =>
        LenientText.LooksUndecoded(message.Subject)
        || message.From.Mailboxes.Any(m => LenientText.LooksUndecoded(m.Name))
        || message.To.Mailboxes.Any(m => LenientText.LooksUndecoded(m.Name))
        || message.Headers.Any(h => LenientText.LooksUndecoded(h.Value) && h.Id is HeaderId.Organization or HeaderId.Subject or HeaderId.From or HeaderId.To);

    /// <summary>Counts the bytes written to it and keeps none.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
    }
}
