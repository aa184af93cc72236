using System.Text;
using Hub.Connectors.Email.Reading;
using Hub.Contracts.Consent;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using static Hub.Connectors.Email.Tests.EmailTestKit;

namespace Hub.Connectors.Email.Tests.Reading;

public sealed class MailMappingTests
{
    private static TouchpointDraft Map(byte[] raw, string? ownAddress = null)
    {
        using var stream = new MemoryStream(raw);
        return EmailMapper.ToDraft(MessageReader.Read(stream), Now, ownAddress);
    }

    private static TouchpointDraft MapSample(string name) => Map(Sample(name));

    [Fact]
    public void A_customer_mail_puts_its_sender_subject_excerpt_and_ids_on_the_touchpoint()
    {
        var draft = MapSample("plain-customer.eml");

        Assert.Equal("email:<20250314091802.4A7C2E1F@mail.example.org>", draft.SourceEventId);
        Assert.Equal("email.received", draft.Type);
        Assert.Equal(TouchpointChannels.Email, draft.Channel);
        Assert.Equal(TouchpointDirection.Inbound, draft.Direction);
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 9, 18, 2, TimeSpan.FromHours(1)), draft.OccurredAt);
        Assert.Equal([CustomerIdentifier.Email("jane.doe@example.org")], draft.Identities);
        Assert.Equal("Jane Doe", draft.ProfileFacts["name"]);
        Assert.Equal("Order 10452 arrived damaged", draft.Summary);
        Assert.Equal("Order 10452 arrived damaged", draft.Details["subject"]);
        Assert.StartsWith("Hello, my order 10452 arrived today", draft.Details["excerpt"], StringComparison.Ordinal);
        Assert.Contains("Viele Grüße", draft.Details["excerpt"], StringComparison.Ordinal);
        Assert.Equal("<20250314091802.4A7C2E1F@mail.example.org>", draft.Details["conversationId"]);
        Assert.False(draft.Details.ContainsKey("flags"));
    }

    [Fact]
    public void A_message_id_too_long_for_the_store_becomes_a_stable_hash_that_fits()
    {
        var longId = "<" + new string('x', 400) + "@mail.example.org>";
        var raw = Encoding.UTF8.GetBytes(
            $"From: Jane Doe <jane.doe@example.org>\r\nTo: support@example.com\r\nSubject: Hello\r\nMessage-ID: {longId}\r\nDate: Fri, 14 Mar 2025 09:18:02 +0100\r\n\r\nHello\r\n");

        var first = Map(raw);
        var again = Map(raw);

        Assert.StartsWith("email-id-sha256:", first.SourceEventId, StringComparison.Ordinal);
        Assert.True(first.SourceEventId.Length <= TouchpointLimits.SourceEventIdLength);
        Assert.Equal(first.SourceEventId, again.SourceEventId);
        Assert.Null(TouchpointLimits.Exceeded(first));
    }

    [Fact]
    public void A_reply_joins_the_conversation_of_the_mail_it_answers()
    {
        var first = MapSample("plain-customer.eml");
        var reply = MapSample("reply-threaded.eml");

        Assert.Equal("<20250314091802.4A7C2E1F@mail.example.org>", reply.Details["inReplyTo"]);
        Assert.Equal("<20250314091802.4A7C2E1F@mail.example.org>", reply.Details["references"]);
        Assert.Equal(first.Details["conversationId"], reply.Details["conversationId"]);
        Assert.NotEqual(first.SourceEventId, reply.SourceEventId);
    }

    [Fact]
    public void Html_and_attachment_keep_the_text_and_the_attachment_name_and_size_not_its_content()
    {
        var draft = MapSample("html-with-attachment.eml");

        Assert.StartsWith("Hi team, the attached invoice for order 10877", draft.Details["excerpt"], StringComparison.Ordinal);
        Assert.Matches(@"^[^;]+\.pdf \(\d+ bytes\)$", draft.Details["attachments"]);
        Assert.DoesNotContain("JVBER", string.Concat(draft.Details.Values), StringComparison.Ordinal);
    }

    [Fact]
    public void Html_only_mail_is_excerpted_as_text()
    {
        var raw = "From: a@example.org\r\nMessage-ID: <h1@example.org>\r\nSubject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><style>p{color:red}</style></head><body><p>Hello &amp; welcome</p><script>alert(1)</script></body></html>\r\n";

        var draft = Map(Encoding.UTF8.GetBytes(raw));

        Assert.Equal("Hello & welcome", draft.Details["excerpt"]);
    }

    [Fact]
    public void An_auto_reply_is_marked_and_not_a_customer_message()
    {
        var draft = MapSample("auto-reply.eml");

        Assert.Equal("email.auto_reply", draft.Type);
        Assert.Equal("autoreply", draft.Details["classification"]);
    }

    [Fact]
    public void List_traffic_is_marked_and_put_on_nobodys_timeline()
    {
        var draft = MapSample("mailing-list.eml");

        Assert.Equal("email.list", draft.Type);
        Assert.Empty(draft.Identities);
        Assert.Equal("Example Customers Forum <customers.lists.example.org>", draft.Details["listId"]);
    }

    [Fact]
    public void A_bounce_marks_the_failed_address_undeliverable_on_its_customer()
    {
        var draft = MapSample("bounce-dsn.eml");

        Assert.Equal("email.bounced", draft.Type);
        Assert.Equal(TouchpointDirection.None, draft.Direction);
        Assert.Equal([CustomerIdentifier.Email("no-such-user@example.net")], draft.Identities);
        Assert.Equal("no-such-user@example.net (5.1.1)", draft.ProfileFacts[EmailMapper.UndeliverableFact]);
        Assert.DoesNotContain(draft.Identities, i => i.Value.Contains("mailer-daemon", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void An_unsubscribe_mail_denies_marketing_consent()
    {
        var raw = "From: Jane Doe <jane.doe@example.org>\r\nTo: unsubscribe+n42@example.com\r\nMessage-ID: <u1@example.org>\r\nSubject: Unsubscribe\r\n\r\nunsubscribe\r\n";

        var draft = Map(Encoding.UTF8.GetBytes(raw));

        Assert.Equal("email.unsubscribe", draft.Type);
        Assert.Equal(ConsentFacts.Denied, draft.ProfileFacts["consent.email.marketing"]);
        Assert.Equal([CustomerIdentifier.Email("jane.doe@example.org")], draft.Identities);
    }

    [Fact]
    public void Mail_from_the_mailbox_itself_is_recorded_as_sent_to_its_recipient()
    {
        var raw = "From: Support <support@example.com>\r\nTo: jane.doe@example.org\r\nMessage-ID: <s1@example.com>\r\nSubject: Re: Order\r\n\r\nA replacement is on its way.\r\n";

        var draft = Map(Encoding.UTF8.GetBytes(raw), ownAddress: "support@example.com");

        Assert.Equal("email.sent", draft.Type);
        Assert.Equal(TouchpointDirection.Outbound, draft.Direction);
        Assert.Equal([CustomerIdentifier.Email("jane.doe@example.org")], draft.Identities);
    }

    [Fact]
    public void Broken_encodings_are_decoded_leniently_and_flagged()
    {
        var draft = MapSample("broken-encoding.eml");

        Assert.Equal("email.received", draft.Type);
        Assert.Equal([CustomerIdentifier.Email("joerg.mueller@example.org")], draft.Identities);
        Assert.Contains("broken-encoding", draft.Details["flags"], StringComparison.Ordinal);
        // The text part's windows-1252 bytes, declared utf-8, come out as the characters they were.
        Assert.Contains("Rückerstattung für Bestellung 10452 – Betrag 49,90 €", draft.Details["excerpt"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_base64_encoded_word_without_its_padding_keeps_its_last_character()
    {
        var draft = MapSample("broken-encoding.eml");

        // The middle word holds a lone 0xC3: a replacement character, and the flag says so.
        Assert.Equal("Rückerstattung f\uFFFDBestellung 10452", draft.Details["subject"]);
        Assert.Contains("broken-encoding", draft.Details["flags"], StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_mime_is_read_as_far_as_possible_and_flagged()
    {
        var raw = "From: Bob Roe <bob.roe@example.net>\r\nMessage-ID: <m1@example.net>\r\nSubject: Broken\r\nContent-Type: multipart/mixed; boundary=\"never-used\"\r\n\r\n--other\r\nContent-Type: text/plain\r\n\r\nHello\r\n";

        var draft = Map(Encoding.UTF8.GetBytes(raw));

        Assert.Equal("email.received", draft.Type);
        Assert.Equal([CustomerIdentifier.Email("bob.roe@example.net")], draft.Identities);
        Assert.Equal("Broken", draft.Summary);
        Assert.Equal("malformed-mime", draft.Details["flags"]);
    }

    [Fact]
    public void A_mail_without_message_id_gets_the_same_id_every_time_and_another_than_other_mail()
    {
        var raw = "From: a@example.org\r\nDate: Fri, 14 Mar 2025 09:18:02 +0100\r\nSubject: no id\r\n\r\nbody\r\n";

        var once = Map(Encoding.UTF8.GetBytes(raw));
        var again = Map(Encoding.UTF8.GetBytes(raw));
        var other = Map(Encoding.UTF8.GetBytes(raw.Replace("no id", "other", StringComparison.Ordinal)));

        Assert.StartsWith("email-sha256:", once.SourceEventId, StringComparison.Ordinal);
        Assert.Equal(once.SourceEventId, again.SourceEventId);
        Assert.NotEqual(once.SourceEventId, other.SourceEventId);
    }
}
