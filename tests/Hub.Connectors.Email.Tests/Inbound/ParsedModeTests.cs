using System.Text;
using System.Text.Json;
using Hub.Connectors.Email.Reading;
using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using MimeKit;
using static Hub.Connectors.Email.Tests.EmailTestKit;

namespace Hub.Connectors.Email.Tests.Inbound;

/// <summary>
/// The providers' parsed modes (SendGrid's default fields, Mailgun's <c>message-headers</c>, Postmark's JSON) give the
/// touchpoint the raw message gives, also for bounces and for mail that cannot be read.
/// </summary>
public sealed class ParsedModeTests
{
    private static readonly MimeMessage Bounce = MimeMessage.Load(new MemoryStream(Sample("bounce-dsn.eml")));

    public static TheoryData<string, bool, bool> BouncePosts()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var kind in (string[])["sendgrid", "mailgun", "postmark"])
        {
            data.Add(kind, true, true);
            data.Add(kind, false, true);
            data.Add(kind, false, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BouncePosts))]
    public async Task A_bounce_posted_in_parsed_mode_is_the_bounce_the_raw_message_is(string kind, bool autoSubmitted, bool contentTypeHeader)
    {
        var raw = Map(Sample("bounce-dsn.eml"));
        var headers = BounceHeaders(autoSubmitted, contentTypeHeader);

        var draft = Assert.Single(await AcceptedAsync(kind, BouncePost(kind, headers), kind == "mailgun" ? MailgunInstance() : BasicInstance(kind)));

        Assert.Equal("email.bounced", draft.Type);
        Assert.Equal([CustomerIdentifier.Email("no-such-user@example.net")], draft.Identities);
        Assert.Equal("no-such-user@example.net (5.1.1)", draft.ProfileFacts[EmailMapper.UndeliverableFact]);
        Assert.Equal(raw.SourceEventId, draft.SourceEventId);
        Assert.Equal(raw.Details["deliveryStatus"], draft.Details["deliveryStatus"]);
        Assert.Equal(raw.Details["excerpt"], draft.Details["excerpt"]);
    }

    [Fact]
    public void Mail_from_the_mail_system_without_a_readable_report_belongs_to_no_customer()
    {
        var draft = Map(Encoding.UTF8.GetBytes(
            "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r\nMessage-ID: <nr1@mx.example.com>\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nThe mail could not be delivered.\r\n"));

        Assert.Equal("email.delivery_status", draft.Type);
        Assert.Empty(draft.Identities);
        Assert.Empty(draft.ProfileFacts);
    }

    [Theory]
    [InlineData("[[\"Bad Name\",\"x\"],[\"From\",\"a@example.org\"]]")]
    [InlineData("[[\"\",\"x\"],[\"From\",\"a@example.org\"]]")]
    public async Task Mailgun_headers_that_cannot_be_parsed_are_an_unreadable_mail(string messageHeaders)
    {
        var body = MultipartForm([("message-headers", null, null, Encoding.UTF8.GetBytes(messageHeaders)), ("body-plain", null, null, "hello"u8.ToArray()), .. MailgunSignatureFields()]);

        var draft = Assert.Single(await AcceptedAsync("mailgun", MailgunMultipartRequest(body), MailgunInstance()));

        Assert.Equal("email.unreadable", draft.Type);
        Assert.Empty(draft.Identities);
        Assert.StartsWith("email-raw-sha256:", draft.SourceEventId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sendgrid_header_block_that_cannot_be_parsed_is_an_unreadable_mail_as_the_same_raw_message_is()
    {
        const string Headers = " folded-first: x\r\nFrom: a@example.org\r\nSubject: hi\r\n";
        var body = MultipartForm([("headers", null, null, Encoding.UTF8.GetBytes(Headers)), ("text", null, null, "hello"u8.ToArray())]);

        var parsed = Assert.Single(await AcceptedAsync("sendgrid", SendGridRequest(body), BasicInstance("sendgrid")));
        var raw = Assert.Single(await AcceptedAsync("sendgrid", SendGridRequest(SendGridRaw(Encoding.UTF8.GetBytes(Headers + "\r\nhello\r\n"))), BasicInstance("sendgrid")));

        Assert.Equal("email.unreadable", parsed.Type);
        Assert.Equal("email.unreadable", raw.Type);
    }

    [Fact]
    public async Task Different_unreadable_mails_get_different_ids_and_the_same_mail_the_same_id()
    {
        static async Task<string> IdOf(string raw, string token) => Assert.Single(await AcceptedAsync(
            "mailgun", MailgunRequest(MailgunMimeForm(Encoding.UTF8.GetBytes(raw), token: token)), MailgunInstance())).SourceEventId;

        var first = await IdOf(" folded-first: x\r\n\r\nfirst\r\n", "token-000000000000000000000000000000000000000000001");
        var second = await IdOf(" folded-first: x\r\n\r\nsecond\r\n", "token-000000000000000000000000000000000000000000002");
        var firstAgain = await IdOf(" folded-first: x\r\n\r\nfirst\r\n", "token-000000000000000000000000000000000000000000003");

        Assert.NotEqual(first, second);
        Assert.Equal(first, firstAgain);
    }

    [Theory]
    [InlineData("Evil \"Name\\", "Evil \"Name\\")]
    [InlineData("Back\\slash", "Back\\slash")]
    [InlineData("Jörg \"the\" Müller", "Jörg \"the\" Müller")]
    public async Task A_postmark_sender_name_with_quotes_and_backslashes_keeps_the_sender(string fromName, string expectedName)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { From = "a@example.org", FromName = fromName, Subject = "hi", TextBody = "hello" });

        var draft = Assert.Single(await AcceptedAsync("postmark", PostmarkRequest(body), BasicInstance("postmark")));

        Assert.Equal([CustomerIdentifier.Email("a@example.org")], draft.Identities);
        Assert.Equal("a@example.org", draft.Details["from"]);
        Assert.Equal(expectedName, draft.ProfileFacts["name"]);
    }

    [Theory]
    [InlineData("mailgun")]
    [InlineData("sendgrid")]
    public async Task Multipart_form_data_without_a_boundary_is_a_400_that_says_so(string kind)
    {
        var request = Request(MultipartForm([("headers", null, null, "From: a@example.org"u8.ToArray())]), "multipart/form-data", Basic());

        var result = await ((IInboundWebhookHandler)Connector(kind)).HandleAsync(request, kind == "mailgun" ? MailgunInstance() : BasicInstance(kind), CancellationToken.None);

        Assert.Equal(400, result.Rejection?.StatusCode);
        Assert.Contains("no boundary", result.Rejection!.Detail, StringComparison.Ordinal);
    }

    private static TouchpointDraft Map(byte[] raw)
    {
        using var stream = new MemoryStream(raw);
        return EmailMapper.ToDraft(MessageReader.Read(stream), Now);
    }

    /// <summary>The bounce's top-level headers as a provider lists them, Content-Type included (MimeKit keeps it on the body).</summary>
    private static List<KeyValuePair<string, string>> BounceHeaders(bool autoSubmitted, bool contentType) =>
        [.. Bounce.Headers.Concat(Bounce.Body!.Headers)
            .Where(h => (autoSubmitted || h.Id != HeaderId.AutoSubmitted) && (contentType || h.Id != HeaderId.ContentType))
            .Select(h => KeyValuePair.Create(h.Field, h.Value))];

    private static byte[] BouncePart(string mimeType)
    {
        using var bytes = new MemoryStream();
        switch (((Multipart)Bounce.Body!).Single(p => p.ContentType.MimeType == mimeType))
        {
            case MimePart part:
                part.Content!.DecodeTo(bytes);
                break;
            case MessagePart returned:
                returned.Message!.WriteTo(bytes);
                break;
        }
        return bytes.ToArray();
    }

    private static string Header(List<KeyValuePair<string, string>> headers, string name) => headers.Single(h => h.Key == name).Value;

    private static InboundWebhookRequest BouncePost(string kind, List<KeyValuePair<string, string>> headers)
    {
        var text = BouncePart("text/plain");
        var report = BouncePart("message/delivery-status");
        var returned = BouncePart("text/rfc822-headers");
        switch (kind)
        {
            case "sendgrid":
                var block = string.Concat(headers.Select(h => $"{h.Key}: {h.Value}\r\n"));
                return SendGridRequest(MultipartForm(
                [
                    ("headers", null, null, Encoding.UTF8.GetBytes(block)), ("text", null, null, text), ("attachments", null, null, "2"u8.ToArray()),
                    ("attachment-info", null, null, """{"attachment1":{"filename":"details.txt","type":"message/delivery-status"},"attachment2":{"filename":"headers.txt","type":"text/rfc822-headers"}}"""u8.ToArray()),
                    ("attachment1", "details.txt", "message/delivery-status", report), ("attachment2", "headers.txt", "text/rfc822-headers", returned),
                ]));
            case "mailgun":
                var pairs = JsonSerializer.Serialize(headers.Select(h => new[] { h.Key, h.Value }));
                return MailgunMultipartRequest(MultipartForm(
                [
                    ("message-headers", null, null, Encoding.UTF8.GetBytes(pairs)), ("body-plain", null, null, text),
                    ("attachment-1", "details.txt", "message/delivery-status", report), ("attachment-2", "headers.txt", "text/rfc822-headers", returned),
                    .. MailgunSignatureFields(),
                ]));
            default:
                var from = Bounce.From.Mailboxes.Single();
                return PostmarkRequest(JsonSerializer.SerializeToUtf8Bytes(new
                {
                    From = from.Address,
                    FromName = from.Name,
                    To = Header(headers, "To"),
                    Subject = Header(headers, "Subject"),
                    Date = Header(headers, "Date"),
                    Headers = headers.Where(h => h.Key is not ("From" or "To" or "Subject" or "Date")).Select(h => new { Name = h.Key, Value = h.Value }),
                    TextBody = Encoding.ASCII.GetString(text),
                    Attachments = new[]
                    {
                        new { Name = "details.txt", ContentType = "message/delivery-status", Content = Convert.ToBase64String(report), ContentLength = report.Length },
                        new { Name = "headers.txt", ContentType = "text/rfc822-headers", Content = Convert.ToBase64String(returned), ContentLength = returned.Length },
                    },
                }));
        }
    }
}
