using System.Text;
using static Hub.Connectors.Twilio.Tests.Signing.SignatureVectors;
using static Hub.Connectors.Twilio.Tests.TwilioTestKit;

namespace Hub.Connectors.Twilio.Tests.Inbound;

public sealed class ReceiverSecurityTests
{
    private static readonly string Sms = Sample("sms-inbound.form");

    [Fact]
    public async Task Authentic_webhook_is_answered_with_empty_TwiML()
    {
        var result = await HandleAsync(Signed(Sms));

        Assert.Null(result.Rejection);
        Assert.Single(result.Touchpoints);
        Assert.Equal(200, result.Response.StatusCode);
        Assert.Equal("text/xml", result.Response.ContentType);
        Assert.Equal("""<?xml version="1.0" encoding="UTF-8"?><Response></Response>""", result.Response.Body);
    }

    [Fact]
    public async Task Webhook_signed_with_another_token_is_forbidden_and_brings_nothing()
    {
        var rejection = await RejectedAsync(Signed(Sms, token: OtherToken));

        Assert.Equal(403, rejection.StatusCode);
    }

    [Fact]
    public async Task Webhook_without_a_signature_is_forbidden_and_brings_nothing()
    {
        var rejection = await RejectedAsync(Request(Sms, HubUrl, signature: null));

        Assert.Equal(403, rejection.StatusCode);
        Assert.Contains("X-Twilio-Signature", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_with_one_parameter_changed_is_forbidden_and_brings_nothing()
    {
        var signed = Signed(Sms);
        var changed = Request(Sms.Replace("Thursday", "Friday", StringComparison.Ordinal), HubUrl, signed.Header("X-Twilio-Signature"));

        Assert.Equal(403, (await RejectedAsync(changed)).StatusCode);
    }

    [Fact]
    public async Task Webhook_signed_for_another_url_is_forbidden_and_brings_nothing()
    {
        var request = Signed(Sms, signedUrl: "https://hub.example.com/webhooks/other", receivedUrl: HubUrl);

        Assert.Equal(403, (await RejectedAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Behind_a_proxy_a_webhook_signed_for_the_public_url_is_accepted_only_with_PublicBaseUrl()
    {
        var request = Signed(Sms, signedUrl: HubUrl, receivedUrl: "http://127.0.0.1:5080/webhooks/twilio");

        Assert.Equal(403, (await RejectedAsync(request)).StatusCode);
        Assert.Single(await AcceptedAsync(request, Instance(("PublicBaseUrl", "https://hub.example.com"))));
    }

    [Fact]
    public async Task Webhook_of_another_account_is_forbidden_even_when_signed_with_the_token()
    {
        var other = Sms.Replace("AC6517c71827effc90e5d810323cceb50d", "AC00000000000000000000000000000000", StringComparison.Ordinal);

        Assert.Equal(403, (await RejectedAsync(Signed(other))).StatusCode);
    }

    [Fact]
    public async Task Json_body_whose_hash_no_longer_matches_the_signed_url_is_forbidden()
    {
        var tampered = Get("negative_cases", "json-body-tampered");
        var request = Request(Text(tampered, "raw_body")!, Text(tampered, "url")!, Text(tampered, "header_presented") ?? Text(Get("vectors", "json-body"), "expected_signature"), "application/json");

        Assert.Equal(403, (await RejectedAsync(request, Instance(("AuthToken", "12345")))).StatusCode);
    }

    [Fact]
    public async Task Authentic_json_body_passes_the_signature_but_brings_no_touchpoint()
    {
        var vector = Get("vectors", "json-body");
        var request = Request(Text(vector, "raw_body")!, Text(vector, "url_signed")!, Text(vector, "expected_signature"), "application/json");

        var rejection = await RejectedAsync(request, Instance(("AuthToken", "12345")));

        Assert.Equal(415, rejection.StatusCode);
        Assert.True(Encoding.UTF8.GetByteCount(rejection.Detail) > 0);
    }

    [Fact]
    public async Task Body_that_is_no_Twilio_webhook_is_a_bad_request()
    {
        const string form = "AccountSid=AC6517c71827effc90e5d810323cceb50d&Foo=bar";

        Assert.Equal(400, (await RejectedAsync(Signed(form))).StatusCode);
    }
}
