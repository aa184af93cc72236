using System.Text;
using Hub.Connectors.Twilio.Inbound;
using Hub.Connectors.Twilio.Signing;
using static Hub.Connectors.Twilio.Tests.Signing.SignatureVectors;

namespace Hub.Connectors.Twilio.Tests.Signing;

public sealed class TwilioSignatureTests
{
    public static TheoryData<string> Vectors => [.. Ids("vectors")];

    public static TheoryData<string> Samples => [.. Ids("derived").Where(id => id.StartsWith("sample-", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Each_official_vector_signs_to_its_expected_signature(string id)
    {
        var vector = Get("vectors", id);

        var signature = TwilioSignature.Compute(Text(vector, "auth_token")!, Text(vector, "url_signed")!, Params(vector));

        Assert.Equal(Text(vector, "expected_signature"), signature);
        if (Text(vector, "raw_body") is { } body)
        {
            Assert.Equal(Text(vector, "body_sha256_hex"), TwilioSignature.BodyHash(Encoding.UTF8.GetBytes(body)));
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Each_official_vector_is_accepted_at_the_url_the_receiver_saw(string id)
    {
        var vector = Get("vectors", id);
        var received = Text(vector, "url_as_received") ?? Text(vector, "url_signed")!;

        Assert.True(TwilioSignature.Matches(
            Text(vector, "auth_token")!, Text(vector, "expected_signature")!, SignedUrls.For(received, null), Params(vector)));
    }

    [Theory]
    [InlineData("changed-param")]
    [InlineData("different-url")]
    public void A_changed_parameter_or_another_url_does_not_match_the_original_signature(string id)
    {
        var negative = Get("negative_cases", id);

        Assert.False(TwilioSignature.Matches(
            Text(negative, "auth_token")!, Text(negative, "header_presented")!, SignedUrls.For(Text(negative, "url")!, null), Params(negative)));
        Assert.Equal(Text(negative, "signature_for_this_request"), TwilioSignature.Compute(Text(negative, "auth_token")!, Text(negative, "url")!, Params(negative)));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_shared_samples_sign_to_their_derived_signatures(string id)
    {
        var derived = Get("derived", id);
        var form = FormBody.Parse(Encoding.UTF8.GetBytes(TwilioTestKit.Sample(Text(derived, "body_file")!)));

        Assert.Equal(Text(derived, "signature"), TwilioSignature.Compute(Text(derived, "auth_token")!, Text(derived, "url")!, form.Pairs));
    }

    [Fact]
    public void Comma_joined_repeated_values_are_not_what_Twilio_signs()
    {
        var derived = Get("derived", "repeated-param-comma-joined");
        var vector = Get("vectors", "repeated-param-values");

        Assert.NotEqual(Text(derived, "signature"), TwilioSignature.Compute("12345", Text(vector, "url_signed")!, Params(vector)));
    }

    [Fact]
    public void Behind_a_proxy_the_public_base_url_replaces_scheme_host_and_port()
    {
        var urls = SignedUrls.For("http://10.0.0.7:8080/webhooks/twilio?x=1", new Uri("https://hub.example.com"));

        Assert.Equal("https://hub.example.com/webhooks/twilio?x=1", urls[0]);
        Assert.Contains("https://hub.example.com:443/webhooks/twilio?x=1", urls);
        Assert.DoesNotContain(urls, u => u.Contains("10.0.0.7", StringComparison.Ordinal));
    }
}
