using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using static Hub.Connectors.Twilio.Tests.TwilioTestKit;

namespace Hub.Connectors.Twilio.Tests.Inbound;

public sealed class MessageMappingTests
{
    [Fact]
    public async Task Inbound_sms_is_a_received_text_of_the_sender()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("sms-inbound.form"))));

        Assert.Equal("sms.received", touchpoint.Type);
        Assert.Equal(TouchpointChannels.Sms, touchpoint.Channel);
        Assert.Equal(TouchpointDirection.Inbound, touchpoint.Direction);
        Assert.Equal("SMaa13177f6c19ed377b646f924b566e30", touchpoint.SourceEventId);
        Assert.Equal([CustomerIdentifier.Phone("+14155550123")], touchpoint.Identities);
        Assert.Equal("Hi, can I move my appointment to Thursday?", touchpoint.Summary);
    }

    [Fact]
    public async Task Inbound_mms_counts_its_media_and_points_at_the_first()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("mms-inbound.form"))));

        Assert.Equal("sms.received", touchpoint.Type);
        Assert.Equal("[2 media] Photos of the damaged part", touchpoint.Summary);
        Assert.EndsWith("/Media/ME669083058790fe061ffc206ec78069b1", touchpoint.ContentReference, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_is_an_opt_out_that_denies_the_whole_sms_channel_and_marketing_on_every_channel()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("sms-stop.form"))));

        Assert.Equal("sms.opt_out", touchpoint.Type);
        Assert.Equal("SMded130e92430f574d374b44f0571c4ba", touchpoint.SourceEventId);
        Assert.Equal("denied", touchpoint.ProfileFacts["consent.sms"]);
        Assert.Equal("denied", touchpoint.ProfileFacts["consent.*.marketing"]);
    }

    [Fact]
    public async Task Start_grants_back_what_stop_denied()
    {
        var form = Sample("sms-inbound.form").Replace("Body=Hi%2C%20can%20I%20move%20my%20appointment%20to%20Thursday%3F", "Body=START", StringComparison.Ordinal);

        var facts = Assert.Single(await AcceptedAsync(Signed(form))).ProfileFacts;

        Assert.Equal("granted", facts["consent.sms"]);
        Assert.Equal("granted", facts["consent.*.marketing"]);
    }

    [Fact]
    public async Task An_ordinary_text_states_no_consent()
    {
        Assert.Empty(Assert.Single(await AcceptedAsync(Signed(Sample("sms-inbound.form")))).ProfileFacts);
    }

    [Theory]
    [InlineData("unsubscribe", "sms.opt_out")]
    [InlineData("%20Quit%20", "sms.opt_out")]
    [InlineData("UNSTOP", "sms.opt_in")]
    [InlineData("start", "sms.opt_in")]
    [InlineData("Please%20stop%20calling%20me", "sms.received")]
    public async Task Whole_body_keywords_in_any_case_are_opt_outs_or_opt_ins(string body, string type)
    {
        var form = Sample("sms-inbound.form").Replace("Body=Hi%2C%20can%20I%20move%20my%20appointment%20to%20Thursday%3F", $"Body={body}", StringComparison.Ordinal);

        Assert.Equal(type, Assert.Single(await AcceptedAsync(Signed(form))).Type);
    }

    [Fact]
    public async Task Status_callback_of_an_outbound_message_is_answered_but_brings_no_touchpoint()
    {
        const string form = "AccountSid=AC6517c71827effc90e5d810323cceb50d&From=%2B12125550147&MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=delivered&SmsSid=SM0123456789abcdef0123456789abcdef&SmsStatus=delivered&To=%2B14155550123";

        var result = await HandleAsync(Signed(form));

        Assert.Null(result.Rejection);
        Assert.Empty(result.Touchpoints);
    }

    [Fact]
    public async Task Whatsapp_sender_is_identified_by_the_number()
    {
        var form = Sample("sms-inbound.form").Replace("From=%2B14155550123", "From=whatsapp%3A%2B14155550123", StringComparison.Ordinal);

        Assert.Equal([CustomerIdentifier.Phone("+14155550123")], Assert.Single(await AcceptedAsync(Signed(form))).Identities);
    }
}
