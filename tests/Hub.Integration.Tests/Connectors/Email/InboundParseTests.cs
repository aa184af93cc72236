using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hub.Connectors.Conformance;
using MimeKit;

namespace Hub.Integration.Tests.Connectors.Email;

/// <summary>
/// The three providers' documented samples posted to a real hub, and the same mails put together again and appended
/// to the real mailbox: each pair is one mail, so the same touchpoint (subject, sender, thread, attachments...).
/// </summary>
[Collection(MailHub.Collection)]
public sealed class InboundParseTests(MailHub mail)
{
    [Fact]
    public async Task SendGrid_sample_gives_the_same_touchpoint_as_the_same_mail_over_imap()
    {
        var body = MailHub.Sample("sendgrid-inbound.multipart");
        using (var response = await PostAsync("sendgrid1", body, "multipart/form-data; boundary=xYzZY", Basic()))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var form = (Multipart)MimeEntity.Load(ContentType.Parse("multipart/form-data; boundary=xYzZY"), new MemoryStream(body));
        byte[] Field(string name)
        {
            using var bytes = new MemoryStream();
            form.OfType<MimePart>().Single(p => p.ContentDisposition?.Parameters["name"] == name).Content!.DecodeTo(bytes);
            return bytes.ToArray();
        }
        await mail.AppendAsync(MailTwin.Build(MailTwin.HeaderBlock(Encoding.UTF8.GetString(Field("headers"))), Encoding.UTF8.GetString(Field("text")), Encoding.UTF8.GetString(Field("html")),
            [("parcel-photo.gif", "image/gif", Field("attachment1")), ("order-items.csv", "text/csv", Field("attachment2"))]));

        await AssertSameAsync("sendgrid1", "email:<20250314104001.5D2E9B17@mail.example.org>");
    }

    [Fact]
    public async Task Mailgun_sample_gives_the_same_touchpoint_as_the_same_mail_over_imap()
    {
        var form = MailHub.MailgunSignedNow(Encoding.UTF8.GetString(MailHub.Sample("mailgun-inbound.form")));
        using (var response = await PostAsync("mailgun1", Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var fields = form.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Unescape(p[0]), p => Unescape(p[1]));
        using var headers = JsonDocument.Parse(fields["message-headers"]);
        await mail.AppendAsync(MailTwin.Build([.. headers.RootElement.EnumerateArray().Select(p => KeyValuePair.Create(p[0].GetString()!, p[1].GetString()!))],
            fields["body-plain"], fields["body-html"], []));

        await AssertSameAsync("mailgun1", "email:<20250314102758.7E1A3C55@mail.example.org>");
    }

    [Fact]
    public async Task Postmark_sample_gives_the_same_touchpoint_as_the_same_mail_over_imap()
    {
        var body = MailHub.Sample("postmark-inbound.json");
        using (var response = await PostAsync("postmark1", body, "application/json", Basic()))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        string Text(string name) => root.GetProperty(name).GetString()!;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("From", $"\"{Text("FromName")}\" <{Text("From")}>"), new("To", Text("To")), new("Cc", Text("Cc")), new("Subject", Text("Subject")), new("Date", Text("Date")),
        };
        headers.AddRange(root.GetProperty("Headers").EnumerateArray().Select(h => KeyValuePair.Create(h.GetProperty("Name").GetString()!, h.GetProperty("Value").GetString()!)));
        await mail.AppendAsync(MailTwin.Build(headers, Text("TextBody"), Text("HtmlBody"), root.GetProperty("Attachments").EnumerateArray()
            .Select(a => (a.GetProperty("Name").GetString()!, a.GetProperty("ContentType").GetString()!, Convert.FromBase64String(a.GetProperty("Content").GetString()!)))));

        await AssertSameAsync("postmark1", "email:<20250314105217.1F4B6D29@mail.example.org>");
    }

    [Fact]
    public async Task A_wrong_mailgun_signature_is_rejected_and_nothing_is_stored()
    {
        var form = Encoding.UTF8.GetString(MailHub.Sample("mailgun-inbound.form")).Trim()
            .Replace("Message-Id=%3C20250314102758", "Message-Id=%3Cforged-20250314102758", StringComparison.Ordinal)
            .Replace("signature=74d86bbf", "signature=00d86bbf", StringComparison.Ordinal);

        using var response = await PostAsync("mailgun1", Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(await mail.TimelineAsync(), t => t.SourceEventId.Contains("forged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mailgun_token_is_accepted_with_its_first_body_only()
    {
        var sample = Encoding.UTF8.GetString(MailHub.Sample("mailgun-inbound.form"));
        var signed = MailHub.MailgunSignedNow(WithMessageId(sample, "token-once"));
        var forged = signed.Replace("token-once", "token-forged", StringComparison.Ordinal);

        using (var first = await PostAsync("mailgun1", Encoding.UTF8.GetBytes(signed), "application/x-www-form-urlencoded"))
        using (var retry = await PostAsync("mailgun1", Encoding.UTF8.GetBytes(signed), "application/x-www-form-urlencoded"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }
        using var response = await PostAsync("mailgun1", Encoding.UTF8.GetBytes(forged), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Webhook token was already used", problem.RootElement.GetProperty("title").GetString());
        await mail.OnTimelineAsync("email:<token-once-20250314102758.7E1A3C55@mail.example.org>", "mailgun1");
        var timeline = await mail.TimelineAsync();
        Assert.Single(timeline, t => t.SourceEventId.Contains("token-once", StringComparison.Ordinal));
        Assert.DoesNotContain(timeline, t => t.SourceEventId.Contains("token-forged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mailgun_retry_with_a_new_multipart_boundary_is_accepted_and_stored_once()
    {
        // Each attempt's multipart body is built anew, so a retry after a 503 brings the same fields in a new framing.
        var signed = MailHub.MailgunSignedNow(WithMessageId(Encoding.UTF8.GetString(MailHub.Sample("mailgun-inbound.form")), "reframed"));

        using (var first = await PostAsync("mailgun1", Multipart(signed, "attempt-1-boundary"), "multipart/form-data; boundary=attempt-1-boundary"))
        using (var retry = await PostAsync("mailgun1", Multipart(signed, "attempt-2-other"), "multipart/form-data; boundary=attempt-2-other"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }

        await mail.OnTimelineAsync("email:<reframed-20250314102758.7E1A3C55@mail.example.org>", "mailgun1");
        Assert.Single(await mail.TimelineAsync(), t => t.SourceEventId.Contains("reframed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mailgun_post_signed_long_ago_is_rejected_and_nothing_is_stored()
    {
        // Vector 1's signature, valid for its timestamp of March 2025: a captured post replayed with other content.
        var stale = WithMessageId(Encoding.UTF8.GetString(MailHub.Sample("mailgun-inbound.form")).Trim(), "stale");

        using var response = await PostAsync("mailgun1", Encoding.UTF8.GetBytes(stale), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("ToleranceSeconds", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(await mail.TimelineAsync(), t => t.SourceEventId.Contains("stale", StringComparison.Ordinal));
    }

    private static string WithMessageId(string form, string prefix)
    {
        var changed = form.Replace("%3C20250314102758.7E1A3C55", $"%3C{prefix}-20250314102758.7E1A3C55", StringComparison.Ordinal);
        Assert.NotEqual(form, changed);
        return changed;
    }

    private async Task AssertSameAsync(string provider, string sourceEventId)
    {
        var posted = await mail.OnTimelineAsync(sourceEventId, provider);
        var fetched = await mail.OnTimelineAsync(sourceEventId, "mail1");

        Assert.Equal(fetched.Type, posted.Type);
        Assert.Equal(fetched.CustomerId, posted.CustomerId);
        foreach (var part in (string[])["occurredAt", "direction", "identities", "profileFacts", "summary", "contentReference", "details"])
        {
            Assert.Equal(fetched.Body.GetProperty(part).GetRawText(), posted.Body.GetProperty(part).GetRawText());
        }
        Assert.NotNull(posted.Detail("subject"));
    }

    private async Task<HttpResponseMessage> PostAsync(string instance, byte[] body, string contentType, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{instance}", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = authorization;
        using var client = new HttpClient { BaseAddress = mail.Hub.Hub.BaseAddress };
        return await client.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{MailHub.ParseUser}:{MailHub.ParsePassword}")));

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static byte[] Multipart(string form, string boundary)
    {
        var body = new StringBuilder();
        foreach (var pair in form.Trim().Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            body.Append(CultureInfo.InvariantCulture, $"--{boundary}\r\nContent-Disposition: form-data; name=\"{Unescape(pair[..equals])}\"\r\n\r\n")
                .Append(Unescape(pair[(equals + 1)..])).Append("\r\n");
        }
        body.Append(CultureInfo.InvariantCulture, $"--{boundary}--\r\n");
        return Encoding.UTF8.GetBytes(body.ToString());
    }
}
