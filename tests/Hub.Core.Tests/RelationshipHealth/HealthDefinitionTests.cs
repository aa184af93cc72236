using Hub.Contracts.Touchpoints;
using Hub.Core.RelationshipHealth;

namespace Hub.Core.Tests.RelationshipHealth;

public sealed class HealthDefinitionTests
{
    private static readonly DateTimeOffset Nine = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static HealthTouchpoint At(int minutes, string channel, string type, TouchpointDirection direction, string caseKey = "-") =>
        new(channel, type, direction, Nine.AddMinutes(minutes), caseKey);

    [Fact]
    public void A_reply_answers_every_message_since_the_previous_reply_and_its_time_counts_from_the_first_of_them()
    {
        var health = HealthState.From(
        [
            At(0, "sms", "sms.received", TouchpointDirection.Inbound),
            At(10, "sms", "sms.received", TouchpointDirection.Inbound),
            At(30, "sms", "sms.sent", TouchpointDirection.Outbound),
            At(40, "sms", "sms.sent", TouchpointDirection.Outbound),
        ]).Summarize();

        Assert.Equal(1, health.Responses);
        Assert.Equal(TimeSpan.FromMinutes(30), health.LastResponseTime);
        Assert.Null(health.AwaitingReplySince);
        Assert.Equal(0, health.UnansweredMessages);
    }

    [Fact]
    public void A_late_reply_arriving_last_splits_the_waiting_messages_where_it_happened()
    {
        var health = HealthState.From(
        [
            At(0, "email", "email.received", TouchpointDirection.Inbound),
            At(60, "email", "email.received", TouchpointDirection.Inbound),
            At(20, "email", "email.sent", TouchpointDirection.Outbound),
        ]).Summarize();

        Assert.Equal(TimeSpan.FromMinutes(20), health.LastResponseTime);
        Assert.Equal(Nine.AddMinutes(60), health.AwaitingReplySince);
        Assert.Equal(1, health.UnansweredMessages);
        Assert.Equal(1, health.OpenIssues);
    }

    [Fact]
    public void The_median_is_the_lower_middle_response_time_and_a_reply_on_another_channel_answers_nothing()
    {
        var health = HealthState.From(
        [
            At(0, "sms", "sms.received", TouchpointDirection.Inbound),
            At(10, "sms", "sms.sent", TouchpointDirection.Outbound),
            At(20, "social", "social.mention", TouchpointDirection.Inbound),
            At(60, "social", "social.reply.sent", TouchpointDirection.Outbound),
            At(100, "email", "email.received", TouchpointDirection.Inbound),
            At(101, "sms", "sms.sent", TouchpointDirection.Outbound),
        ]).Summarize();

        Assert.Equal(2, health.Responses);
        Assert.Equal(TimeSpan.FromMinutes(10), health.MedianResponseTime);
        Assert.Equal(TimeSpan.FromMinutes(40), health.LastResponseTime);
        Assert.Equal(Nine.AddMinutes(100), health.AwaitingReplySince);
        Assert.Equal(3, health.ContactsStartedByCustomer);
        Assert.Equal(3, health.ContactsStartedByCompany);
        Assert.Equal(0.5, health.StartedByCustomerShare);
    }

    [Theory]
    [InlineData("sms", "sms.blocked")]
    [InlineData("sms", "sms.failed")]
    [InlineData("sms", "sms.unconfirmed")]
    [InlineData("social", "social.blocked")]
    [InlineData("social", "social.failed")]
    [InlineData("email", "email.blocked")]
    [InlineData("email", "email.failed")]
    [InlineData("email", "email.unconfirmed")]
    public void An_outbound_message_that_did_not_go_out_is_neither_a_reply_nor_a_contact(string channel, string type)
    {
        var health = HealthState.From(
        [
            At(0, channel, $"{channel}.received", TouchpointDirection.Inbound),
            At(5, channel, type, TouchpointDirection.Outbound),
        ]).Summarize();

        Assert.Equal(1, health.UnansweredMessages);
        Assert.Equal(Nine, health.AwaitingReplySince);
        Assert.Equal(0, health.Responses);
        Assert.Equal(0, health.ContactsStartedByCompany);
        Assert.Equal(1, health.Channels.Single().Contacts);
        Assert.Equal(Nine, health.Channels.Single().LastContactAt);
    }

    [Fact]
    public void Likes_follows_and_completed_inbound_calls_wait_for_no_reply_but_a_missed_call_does_until_the_company_calls_back()
    {
        var health = HealthState.From(
        [
            At(0, "social", "social.like", TouchpointDirection.Inbound),
            At(1, "phone", "call.completed", TouchpointDirection.Inbound),
            At(2, "phone", "call.missed", TouchpointDirection.Inbound),
            At(3, "phone", "call.missed", TouchpointDirection.Outbound),
        ]).Summarize();

        Assert.Equal(Nine.AddMinutes(2), health.AwaitingReplySince);
        Assert.Equal(1, health.UnansweredMessages);
        Assert.Equal(4, health.Channels.Sum(c => c.Contacts));
    }

    [Theory]
    [InlineData("email.unsubscribe")]
    [InlineData("email.auto_reply")]
    [InlineData("email.list")]
    [InlineData("sms.opt_out")]
    [InlineData("sms.help")]
    public void An_unsubscribe_an_automatic_reply_and_a_list_message_wait_for_no_reply(string type)
    {
        var health = HealthState.From([At(0, type.Split('.')[0], type, TouchpointDirection.Inbound)]).Summarize();

        Assert.Null(health.AwaitingReplySince);
        Assert.Equal(0, health.UnansweredMessages);
    }

    [Fact]
    public void A_case_is_an_open_complaint_until_its_latest_touchpoint_closes_it_whatever_order_they_came_in()
    {
        var health = HealthState.From(
        [
            At(30, "crm", "crm.case.closed", TouchpointDirection.None, "case/1"),
            At(0, "crm", "crm.case.opened", TouchpointDirection.Inbound, "case/1"),
            At(40, "crm", "crm.case.opened", TouchpointDirection.Inbound, "case/2"),
            At(50, "crm", "crm.case.updated", TouchpointDirection.None, "case/2"),
        ]).Summarize();

        var open = Assert.Single(health.OpenCases);
        Assert.Equal("case/2", open.Reference);
        Assert.Equal(Nine.AddMinutes(40), open.OpenedAt);
        Assert.Equal(Nine.AddMinutes(50), open.LastChangedAt);
        Assert.Equal(Nine.AddMinutes(40), health.LastUnresolvedComplaintAt);
        Assert.Equal(Nine.AddMinutes(40), health.WaitingSince);
    }

    [Fact]
    public void Frequency_is_contacts_per_30_days_between_first_and_last_contact()
    {
        var health = HealthState.From(
        [
            At(0, "sms", "sms.received", TouchpointDirection.Inbound),
            At(60 * 24 * 60, "sms", "sms.sent", TouchpointDirection.Outbound),
            At(60 * 24 * 30, "sms", "sms.sent", TouchpointDirection.Outbound),
        ]).Summarize();

        var sms = Assert.Single(health.Channels);
        Assert.Equal(3, sms.Contacts);
        Assert.Equal(1.5, sms.ContactsPer30Days, 6);
        Assert.Equal(Nine.AddDays(60), health.LastContactAt);
    }

    [Fact]
    public void An_answered_call_is_one_contact_at_its_outcome_the_ringing_is_none()
    {
        var health = Both(
        [
            At(0, "phone", "call.started", TouchpointDirection.Inbound),
            At(3, "phone", "call.completed", TouchpointDirection.Inbound),
            At(10, "phone", "call.started", TouchpointDirection.Outbound),
            At(12, "phone", "call.recorded", TouchpointDirection.Outbound),
            At(14, "phone", "call.completed", TouchpointDirection.Outbound),
        ]);

        var phone = Assert.Single(health.Channels);
        Assert.Equal(2, phone.Contacts);
        Assert.Equal(1, phone.StartedByCustomer);
        Assert.Equal(1, phone.StartedByCompany);
        Assert.Equal(Nine.AddMinutes(3), phone.FirstContactAt);
        Assert.Equal(Nine.AddMinutes(14), health.LastContactAt);
    }

    [Fact]
    public void A_call_back_that_nobody_answered_does_not_answer_a_missed_call()
    {
        var health = Both(
        [
            At(0, "phone", "call.started", TouchpointDirection.Inbound),
            At(1, "phone", "call.missed", TouchpointDirection.Inbound),
            At(30, "phone", "call.started", TouchpointDirection.Outbound),
            At(31, "phone", "call.missed", TouchpointDirection.Outbound),
        ]);

        Assert.Equal(Nine.AddMinutes(1), health.AwaitingReplySince);
        Assert.Equal(1, health.UnansweredMessages);
        Assert.Equal(0, health.Responses);
        Assert.Equal(2, Assert.Single(health.Channels).Contacts);
    }

    [Fact]
    public void A_call_back_answers_a_missed_call_when_it_connects_counted_to_its_outcome()
    {
        var health = Both(
        [
            At(1, "phone", "call.missed", TouchpointDirection.Inbound),
            At(30, "phone", "call.started", TouchpointDirection.Outbound),
            At(32, "phone", "call.completed", TouchpointDirection.Outbound),
        ]);

        Assert.Null(health.AwaitingReplySince);
        Assert.Equal(1, health.Responses);
        Assert.Equal(TimeSpan.FromMinutes(31), health.LastResponseTime);
    }

    [Fact]
    public void At_the_same_instant_a_closing_touchpoint_is_the_latest_of_a_case_whatever_order_they_came_in()
    {
        var updated = At(10, "crm", "crm.case.updated", TouchpointDirection.None, "case/1");
        var closed = At(10, "crm", "crm.case.closed", TouchpointDirection.None, "case/1");

        Assert.Equal(closed, ConversationRules.LatestOfCase([updated, closed], t => t.OccurredAt, t => t.Type));
        Assert.Equal(closed, ConversationRules.LatestOfCase([closed, updated], t => t.OccurredAt, t => t.Type));
    }

    /// <summary>The kept state's figures, after checking the definition written plainly gives the same.</summary>
    private static Core.RelationshipHealth.RelationshipHealth Both(HealthTouchpoint[] timeline)
    {
        var kept = HealthState.From(timeline).Summarize();
        Assert.Equivalent(HealthDefinition.Compute(timeline), kept, strict: true);
        return kept;
    }
}
