using System.Text;
using System.Text.Json;
using Hub.Connectors.Conformance;
using Hub.Connectors.Email.Reading;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using MimeKit;
using static Hub.Connectors.Email.Tests.EmailTestKit;

namespace Hub.Connectors.Email.Tests.Inbound;

/// <summary>Each provider's documented sample, and the same mail read as a raw message (as IMAP would give it): one touchpoint.</summary>
public sealed class ProviderSampleTests
{
    private static TouchpointDraft FromRaw(byte[] raw)
    {
        using var stream = new MemoryStream(raw);
        return EmailMapper.ToDraft(MessageReader.Read(stream), Now);
    }

    [Fact]
    public async Task SendGrid_sample_becomes_the_senders_touchpoint_with_attachment_names_and_sizes()
    {
        var draft = Assert.Single(await AcceptedAsync("sendgrid", SendGridRequest(), BasicInstance("sendgrid")));

        Assert.Equal("email:<20250314104001.5D2E9B17@mail.example.org>", draft.SourceEventId);
        Assert.Equal("email.received", draft.Type);
        Assert.Equal([CustomerIdentifier.Email("jane.doe@example.org")], draft.Identities);
        Assert.Equal("Jane Doe", draft.ProfileFacts["name"]);
        Assert.Equal("Photos of the damaged parcel (order 10452)", draft.Summary);
        Assert.StartsWith("Hello, here are the photos of the damaged parcel.", draft.Details["excerpt"], StringComparison.Ordinal);
        Assert.Equal($"parcel-photo.gif ({SendGridFile("attachment1").Length} bytes); order-items.csv ({SendGridFile("attachment2").Length} bytes)", draft.Details["attachments"]);
    }

    [Fact]
    public async Task SendGrid_sample_and_the_same_mail_as_a_raw_message_are_one_touchpoint()
    {
        var webhook = Assert.Single(await AcceptedAsync("sendgrid", SendGridRequest(), BasicInstance("sendgrid")));
        var headers = MailTwin.HeaderBlock(SendGridField("headers"));
        var raw = MailTwin.Build(headers, SendGridField("text"), SendGridField("html"),
            [("parcel-photo.gif", "image/gif", SendGridFile("attachment1")), ("order-items.csv", "text/csv", SendGridFile("attachment2"))]);

        Assert.Equal(Canonical(FromRaw(raw)), Canonical(webhook));
    }

    [Fact]
    public async Task Mailgun_sample_becomes_a_reply_in_the_tickets_conversation()
    {
        var draft = Assert.Single(await AcceptedAsync("mailgun", MailgunRequest(MailgunForm()), MailgunInstance()));

        Assert.Equal("email:<20250314102758.7E1A3C55@mail.example.org>", draft.SourceEventId);
        Assert.Equal([CustomerIdentifier.Email("jane.doe@example.org")], draft.Identities);
        Assert.Equal("<ticket-4711.1742030000@helpdesk.example.com>", draft.Details["inReplyTo"]);
        Assert.Equal("<ticket-4711.1742030000@helpdesk.example.com>", draft.Details["conversationId"]);
        Assert.StartsWith("Thanks, the replacement can go to the same address.", draft.Details["excerpt"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mailgun_sample_and_the_same_mail_as_a_raw_message_are_one_touchpoint()
    {
        var webhook = Assert.Single(await AcceptedAsync("mailgun", MailgunRequest(MailgunForm()), MailgunInstance()));
        var form = MailgunFields();
        using var list = JsonDocument.Parse(form["message-headers"]);
        var headers = list.RootElement.EnumerateArray().Select(p => KeyValuePair.Create(p[0].GetString()!, p[1].GetString()!)).ToList();
        var raw = MailTwin.Build(headers, form["body-plain"], form["body-html"], []);

        Assert.Equal(Canonical(FromRaw(raw)), Canonical(webhook));
    }

    [Fact]
    public async Task Mailgun_post_with_a_wrong_signature_is_rejected_with_401()
    {
        var result = await ((Hub.Contracts.Connectors.IInboundWebhookHandler)Connector("mailgun")).HandleAsync(
            MailgunRequest(MailgunForm(signature: new string('0', 64))), MailgunInstance(), CancellationToken.None);

        Assert.Equal(401, result.Rejection?.StatusCode);
        Assert.Empty(result.Touchpoints);
    }

    [Fact]
    public async Task Postmark_sample_becomes_the_senders_touchpoint_with_its_attachments()
    {
        var draft = Assert.Single(await AcceptedAsync("postmark", PostmarkRequest(), BasicInstance("postmark")));

        Assert.Equal("email:<20250314105217.1F4B6D29@mail.example.org>", draft.SourceEventId);
        Assert.Equal([CustomerIdentifier.Email("jane.doe@example.org")], draft.Identities);
        Assert.Equal("Jane Doe", draft.ProfileFacts["name"]);
        Assert.Equal("parcel-photo.gif (43 bytes); order-items.csv (47 bytes)", draft.Details["attachments"]);
        Assert.Equal("<ticket-4711.1742030000@helpdesk.example.com>", draft.Details["conversationId"]);
    }

    [Fact]
    public async Task Postmark_sample_and_the_same_mail_as_a_raw_message_are_one_touchpoint()
    {
        var webhook = Assert.Single(await AcceptedAsync("postmark", PostmarkRequest(), BasicInstance("postmark")));
        using var json = JsonDocument.Parse(Sample("postmark-inbound.json"));
        var root = json.RootElement;
        string Text(string name) => root.GetProperty(name).GetString()!;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("From", $"\"{Text("FromName")}\" <{Text("From")}>"), new("To", Text("To")), new("Cc", Text("Cc")),
            new("Subject", Text("Subject")), new("Date", Text("Date")),
        };
        headers.AddRange(root.GetProperty("Headers").EnumerateArray().Select(h => KeyValuePair.Create(h.GetProperty("Name").GetString()!, h.GetProperty("Value").GetString()!)));
        var attachments = root.GetProperty("Attachments").EnumerateArray()
            .Select(a => (a.GetProperty("Name").GetString()!, a.GetProperty("ContentType").GetString()!, Convert.FromBase64String(a.GetProperty("Content").GetString()!)));
        var raw = MailTwin.Build(headers, Text("TextBody"), Text("HtmlBody"), attachments);

        Assert.Equal(Canonical(FromRaw(raw)), Canonical(webhook));
    }

    [Fact]
    public async Task Raw_mode_posts_map_like_the_message_itself()
    {
        var expected = Canonical(FromRaw(Sample("html-with-attachment.eml")));

        var sendGrid = Assert.Single(await AcceptedAsync("sendgrid", SendGridRequest(SendGridRaw(Sample("html-with-attachment.eml"))), BasicInstance("sendgrid")));
        var mailgun = Assert.Single(await AcceptedAsync("mailgun", MailgunRequest(MailgunMimeForm(Sample("html-with-attachment.eml"))), MailgunInstance()));
        var postmark = Assert.Single(await AcceptedAsync("postmark", PostmarkRequest(PostmarkRaw(Sample("html-with-attachment.eml"))), BasicInstance("postmark")));

        Assert.Equal(expected, Canonical(sendGrid));
        Assert.Equal(expected, Canonical(mailgun));
        Assert.Equal(expected, Canonical(postmark));
    }

    [Theory]
    [InlineData("sendgrid")]
    [InlineData("postmark")]
    public async Task A_post_without_credentials_is_rejected_with_401(string kind)
    {
        var request = Request(kind == "sendgrid" ? Sample("sendgrid-inbound.multipart") : Sample("postmark-inbound.json"),
            kind == "sendgrid" ? "multipart/form-data; boundary=xYzZY" : "application/json");

        var result = await ((Hub.Contracts.Connectors.IInboundWebhookHandler)Connector(kind)).HandleAsync(request, BasicInstance(kind), CancellationToken.None);

        Assert.Equal(401, result.Rejection?.StatusCode);
    }

    [Theory]
    [InlineData("sendgrid", null)]
    [InlineData("sendgrid", "Basic d3Jvbmc6Y3JlZGVudGlhbHM=")]
    [InlineData("postmark", null)]
    [InlineData("postmark", "Basic not-base64!")]
    public async Task A_401_for_missing_or_wrong_credentials_challenges_for_Basic_as_RFC_9110_requires(string kind, string? authorization)
    {
        var request = Request(kind == "sendgrid" ? Sample("sendgrid-inbound.multipart") : Sample("postmark-inbound.json"),
            kind == "sendgrid" ? "multipart/form-data; boundary=xYzZY" : "application/json", authorization);

        var result = await ((Hub.Contracts.Connectors.IInboundWebhookHandler)Connector(kind)).HandleAsync(request, BasicInstance(kind), CancellationToken.None);

        Assert.Equal(401, result.Rejection?.StatusCode);
        Assert.Equal("Basic realm=\"hub webhooks\", charset=\"UTF-8\"", result.Rejection?.Challenge);
    }

    [Fact]
    public async Task A_postmark_body_that_is_not_a_message_is_a_400()
    {
        var result = await ((Hub.Contracts.Connectors.IInboundWebhookHandler)Connector("postmark")).HandleAsync(
            PostmarkRequest(Encoding.UTF8.GetBytes("{\"Subject\": 1")), BasicInstance("postmark"), CancellationToken.None);

        Assert.Equal(400, result.Rejection?.StatusCode);
    }

    [Fact]
    public async Task A_sendgrid_post_that_is_no_form_is_a_415()
    {
        var result = await ((Hub.Contracts.Connectors.IInboundWebhookHandler)Connector("sendgrid")).HandleAsync(
            Request(Encoding.UTF8.GetBytes("{}"), "application/json", Basic()), BasicInstance("sendgrid"), CancellationToken.None);

        Assert.Equal(415, result.Rejection?.StatusCode);
    }

    private static Multipart SendGridForm() =>
        (Multipart)MimeEntity.Load(ContentType.Parse("multipart/form-data; boundary=xYzZY"), new MemoryStream(Sample("sendgrid-inbound.multipart")));

    private static MimePart SendGridPart(string name) =>
        SendGridForm().OfType<MimePart>().Single(p => p.ContentDisposition?.Parameters["name"] == name);

    private static byte[] SendGridFile(string name)
    {
        using var bytes = new MemoryStream();
        SendGridPart(name).Content!.DecodeTo(bytes);
        return bytes.ToArray();
    }

    private static string SendGridField(string name) => Encoding.UTF8.GetString(SendGridFile(name));

    private static Dictionary<string, string> MailgunFields() =>
        SampleText("mailgun-inbound.form").Trim().Split('&').Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
}
