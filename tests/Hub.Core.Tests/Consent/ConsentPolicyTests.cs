using Hub.Contracts.Customers;
using Hub.Core.Consent;

namespace Hub.Core.Tests.Consent;

public sealed class ConsentPolicyTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, CustomerFieldValue> Fields(params (string Field, string Value)[] facts) =>
        facts.ToDictionary(f => f.Field, f => new CustomerFieldValue(f.Value, "twilio1", At));

    [Fact]
    public void A_customer_who_stated_nothing_may_be_messaged()
    {
        Assert.True(ConsentPolicy.Check(Fields(("name", "Ana")), "sms", "marketing").Allowed);
    }

    [Theory]
    [InlineData("service")]
    [InlineData("marketing")]
    public void A_channel_denied_as_a_whole_blocks_every_purpose_with_the_reason(string purpose)
    {
        var decision = ConsentPolicy.Check(Fields(("consent.sms", "denied")), "sms", purpose);

        Assert.False(decision.Allowed);
        Assert.Contains("consent.sms", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("twilio1", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Marketing_revoked_blocks_marketing_but_not_service_replies()
    {
        var fields = Fields(("consent.sms.marketing", "revoked"));

        Assert.False(ConsentPolicy.Check(fields, "sms", "marketing").Allowed);
        Assert.True(ConsentPolicy.Check(fields, "sms", "service").Allowed);
    }

    [Fact]
    public void A_denial_on_another_channel_does_not_block_this_one()
    {
        Assert.True(ConsentPolicy.Check(Fields(("consent.email", "denied")), "sms", "service").Allowed);
    }

    [Fact]
    public void Consent_granted_again_after_a_denial_allows()
    {
        Assert.True(ConsentPolicy.Check(Fields(("consent.sms", "granted")), "sms", "marketing").Allowed);
    }

    [Fact]
    public void A_service_reply_to_the_customer_passes_a_denial_of_service_notices_on_the_channel()
    {
        var fields = Fields(("consent.email.service", "denied"));
        Assert.False(ConsentPolicy.Check(fields, "email", "service").Allowed);
        Assert.True(ConsentPolicy.Check(fields, "email", "service", replyToCustomer: true).Allowed);
    }

    [Fact]
    public void A_service_reply_is_blocked_when_the_whole_channel_is_denied()
    {
        var decision = ConsentPolicy.Check(Fields(("consent.sms", "revoked")), "sms", "service", replyToCustomer: true);
        Assert.False(decision.Allowed);
        Assert.Contains("consent.sms", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_marketing_message_is_no_reply_even_right_after_the_customer_wrote()
    {
        Assert.False(ConsentPolicy.Check(Fields(("consent.email.marketing", "denied")), "email", "marketing", replyToCustomer: true).Allowed);
    }

    private static CustomerFieldValue Said(string value, string source, int minutesLater) => new(value, source, At.AddMinutes(minutesLater));

    [Theory]
    [InlineData("email")]
    [InlineData("social")]
    [InlineData("phone")]
    public void Marketing_denied_on_every_channel_blocks_marketing_on_each_channel_with_the_reason(string channel)
    {
        var decision = ConsentPolicy.Check(Fields(("consent.*.marketing", "denied")), channel, "marketing");

        Assert.False(decision.Allowed);
        Assert.Contains("consent.*.marketing", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Marketing_denied_on_every_channel_leaves_service_messages_on_other_channels_allowed()
    {
        var fields = Fields(("consent.sms", "denied"), ("consent.*.marketing", "denied"));

        Assert.True(ConsentPolicy.Check(fields, "email", "service").Allowed);
        Assert.True(ConsentPolicy.Check(fields, "email", "service", replyToCustomer: true).Allowed);
        Assert.False(ConsentPolicy.Check(fields, "sms", "service", replyToCustomer: true).Allowed);
    }

    [Fact]
    public void A_later_grant_of_marketing_on_one_channel_outweighs_an_earlier_denial_on_every_channel()
    {
        var fields = new Dictionary<string, CustomerFieldValue>
        {
            ["consent.*.marketing"] = Said("denied", "twilio1", 0),
            ["consent.email.marketing"] = Said("granted", "api:admin", 5),
        };

        Assert.True(ConsentPolicy.Check(fields, "email", "marketing").Allowed);
        Assert.False(ConsentPolicy.Check(fields, "social", "marketing").Allowed);
    }

    [Fact]
    public void A_later_denial_on_every_channel_outweighs_an_earlier_grant_on_one_channel()
    {
        var fields = new Dictionary<string, CustomerFieldValue>
        {
            ["consent.email.marketing"] = Said("granted", "sf1", 0),
            ["consent.*.marketing"] = Said("denied", "twilio1", 5),
        };

        var decision = ConsentPolicy.Check(fields, "email", "marketing");

        Assert.False(decision.Allowed);
        Assert.Contains("consent.*.marketing", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Statements_made_at_the_same_moment_resolve_to_the_one_that_withholds()
    {
        var fields = new Dictionary<string, CustomerFieldValue>
        {
            ["consent.email.marketing"] = Said("granted", "sf1", 0),
            ["consent.*.marketing"] = Said("revoked", "twilio1", 0),
        };

        Assert.False(ConsentPolicy.Check(fields, "email", "marketing").Allowed);
    }

    [Fact]
    public void Start_after_stop_grants_back_marketing_everywhere_even_over_an_opt_out_echoed_in_between()
    {
        var fields = new Dictionary<string, CustomerFieldValue>
        {
            ["consent.sms"] = Said("granted", "twilio1", 10),
            ["consent.*.marketing"] = Said("granted", "twilio1", 10),
            ["consent.email.marketing"] = Said("denied", "sf1", 1),
        };

        Assert.True(ConsentPolicy.Check(fields, "email", "marketing").Allowed);
        Assert.True(ConsentPolicy.Check(fields, "sms", "marketing").Allowed);
    }
}
