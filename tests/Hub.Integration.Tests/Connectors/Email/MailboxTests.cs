using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Search;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Connectors.Email;

/// <summary>A support mailbox on a real dovecot, read by a real hub process; replies through a real postfix.</summary>
[Collection(MailHub.Collection)]
public sealed class MailboxTests(MailHub mail)
{
    [Fact]
    public async Task Messages_appended_to_the_mailbox_become_touchpoints_threaded_by_conversation()
    {
        await mail.AppendAsync(MailHub.Sample("plain-customer.eml"), MailHub.Sample("reply-threaded.eml"), MailHub.Sample("html-with-attachment.eml"));

        var first = await OnTimelineAsync("email:<20250314091802.4A7C2E1F@mail.example.org>");
        var reply = await OnTimelineAsync("email:<20250314101544.9B2D7F03@mail.example.org>");
        var invoice = await OnTimelineAsync("email:<CAF9x2kT7Qm1pZ0ab3.20250317140211@smtp.example.net>");

        Assert.Equal("email.received", first.Type);
        Assert.Equal("Order 10452 arrived damaged", first.Detail("subject"));
        Assert.Equal(first.Detail("conversationId"), reply.Detail("conversationId"));
        Assert.Equal(first.CustomerId, reply.CustomerId);
        Assert.NotNull(first.CustomerId);
        Assert.NotEqual(first.CustomerId, invoice.CustomerId);
        Assert.Matches(@"\.pdf \(\d+ bytes\)$", invoice.Detail("attachments"));
    }

    [Fact]
    public async Task Killing_the_hub_mid_batch_and_restarting_takes_each_message_exactly_once()
    {
        // Enough batches (of MailHub.BatchSize) that a warm hub is still reading them when the first is on the timeline.
        var ids = Enumerable.Range(1, 100).Select(n => $"<exactly-once-{n}@example.net>").ToList();
        await mail.AppendAsync([.. ids.Select((id, n) => MailHub.Simple(id, $"Exactly once {n}"))]);

        await EventuallyAsync(async () => (await OursAsync(ids)).Count > 0, "the first batch on the timeline");
        await mail.Hub.Hub.KillAsync();
        var beforeKill = (await OursAsync(ids)).Count;
        await mail.Hub.RestartAsync();
        await EventuallyAsync(async () => (await OursAsync(ids)).Count == ids.Count, "every message after the restart");

        Assert.True(beforeKill < ids.Count, $"The hub had taken all {ids.Count} messages before it was killed; the kill was not mid-batch.");
        var ours = await OursAsync(ids);
        Assert.Equal(ids.Select(id => $"email:{id}").Order(), ours.Select(t => t.SourceEventId).Order());
    }

    [Fact]
    public async Task A_malformed_and_a_30_MB_message_do_not_stop_the_following_messages()
    {
        var malformed = Encoding.UTF8.GetBytes("From: Bob Roe <bob.roe@example.net>\r\nTo: support@example.com\r\nMessage-ID: <malformed-1@example.net>\r\nSubject: Broken boundary\r\nContent-Type: multipart/mixed; boundary=\"declared\"\r\n\r\n--actual\r\nContent-Type: text/plain\r\n\r\nThe boundary never matches.\r\n--actual--\r\n");
        var huge = new StringBuilder("From: Bob Roe <bob.roe@example.net>\r\nTo: support@example.com\r\nMessage-ID: <huge-1@example.net>\r\nSubject: Scans of all invoices\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        var line = new string('x', 998) + "\r\n";
        while (huge.Length < 30 * 1024 * 1024)
        {
            huge.Append(line);
        }
        await mail.AppendAsync(malformed, Encoding.ASCII.GetBytes(huge.ToString()), MailHub.Simple("<after-poison-1@example.net>", "After the poison"));

        var after = await OnTimelineAsync("email:<after-poison-1@example.net>");
        var broken = await OnTimelineAsync("email:<malformed-1@example.net>");
        var big = await OnTimelineAsync("email:<huge-1@example.net>");

        Assert.Equal("email.received", after.Type);
        Assert.Equal("malformed-mime", broken.Detail("flags"));
        Assert.Equal("Broken boundary", broken.Detail("subject"));
        Assert.Equal("oversized", big.Detail("flags"));
        Assert.Equal("Scans of all invoices", big.Detail("subject"));
        Assert.NotNull(big.CustomerId);
    }

    [Fact]
    public async Task A_reply_sent_through_the_hub_arrives_in_the_customers_mailbox_with_in_reply_to_and_is_on_the_timeline()
    {
        await mail.AppendAsync(MailHub.Sample("plain-customer.eml"));
        var question = await OnTimelineAsync("email:<20250314091802.4A7C2E1F@mail.example.org>");

        using var response = await mail.Hub.Hub.Client.PostAsJsonAsync(new Uri($"api/customers/{question.CustomerId}/messages", UriKind.Relative), new
        {
            connectorInstanceId = "mail1",
            text = "A replacement mug is on its way.",
            replyTo = "<20250314091802.4A7C2E1F@mail.example.org>",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = await response.Content.ReadFromJsonAsync<SentReply>();

        using var inbox = await mail.OpenAsync(MailHub.Customer);
        IList<UniqueId> found = [];
        await EventuallyAsync(async () =>
        {
            await inbox.NoOpAsync();
            found = await inbox.Inbox.SearchAsync(SearchQuery.HeaderContains("In-Reply-To", "20250314091802.4A7C2E1F@mail.example.org"));
            return found.Count > 0;
        }, "the reply in the customer's mailbox");
        var reply = await inbox.Inbox.GetMessageAsync(found[0]);
        Assert.Equal("20250314091802.4A7C2E1F@mail.example.org", reply.InReplyTo);
        Assert.Equal(["20250314091802.4A7C2E1F@mail.example.org"], reply.References);
        Assert.Equal("Re: Order 10452 arrived damaged", reply.Subject);
        Assert.Equal(MailHub.Mailbox, reply.From.Mailboxes.Single().Address);
        Assert.Equal($"<{reply.MessageId}>", sent!.MessageId);

        var recorded = await OnTimelineAsync($"email:<{reply.MessageId}>");
        Assert.Equal("email.sent", recorded.Type);
        Assert.Equal(question.CustomerId, recorded.CustomerId);
    }

    [Fact]
    public async Task A_reply_through_an_smtp_server_the_outbound_guard_refuses_is_502_naming_allowed_networks()
    {
        await mail.AppendAsync(MailHub.Sample("plain-customer.eml"));
        var question = await OnTimelineAsync("email:<20250314091802.4A7C2E1F@mail.example.org>");

        using var response = await mail.Hub.Hub.Client.PostAsJsonAsync(new Uri($"api/customers/{question.CustomerId}/messages", UriKind.Relative),
            new { connectorInstanceId = MailHub.GuardedInstance, text = "Hello" });

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, $"{response.StatusCode}: {problem}");
        Assert.Equal("The provider's address is not allowed", problem.GetProperty("title").GetString());
        Assert.Contains("Hub:Outbound:AllowedNetworks", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_id_that_is_no_message_id_is_a_400()
    {
        await mail.AppendAsync(MailHub.Sample("plain-customer.eml"));
        var question = await OnTimelineAsync("email:<20250314091802.4A7C2E1F@mail.example.org>");

        using var response = await mail.Hub.Hub.Client.PostAsJsonAsync(new Uri($"api/customers/{question.CustomerId}/messages", UriKind.Relative),
            new { connectorInstanceId = "mail1", text = "Hello", replyTo = "12345" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<List<StoredTouchpoint>> OursAsync(List<string> ids) =>
        [.. (await mail.TimelineAsync()).Where(t => t.ConnectorInstanceId == "mail1" && ids.Select(id => $"email:{id}").Contains(t.SourceEventId))];

    private Task<StoredTouchpoint> OnTimelineAsync(string sourceEventId) => mail.OnTimelineAsync(sourceEventId, "mail1");

    private sealed record SentReply(string? MessageId);
}
