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
}
