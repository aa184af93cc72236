using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;
using static Hub.Connectors.Twilio.Tests.Signing.SignatureVectors;
using static Hub.Connectors.Twilio.Tests.TwilioTestKit;

namespace Hub.Connectors.Twilio.Tests.Inbound;

/// <summary>
/// A voice or messaging webhook the console sets to HTTP GET: the parameters come in the query string, and Twilio signs
/// the URL alone (security docs: "GET: all Twilio parameters are in the query string, so the URL alone is signed").
/// </summary>
public sealed class GetWebhookTests
{
    private static readonly string IncomingCallUrl = $"{HubUrl}?{Sample("voice-incoming.form")}";

    // base64(HMAC-SHA1(AuthToken, IncomingCallUrl)), computed outside the hub (Python's hmac) by Twilio's algorithm.
    private const string IncomingCallSignature = "N4nIH7uYoauetTKZGrvQiZBx5Vs=";

    [Fact]
    public async Task Incoming_call_sent_as_GET_is_read_from_the_query_and_answered_with_TwiML()
    {
        var result = await HandleAsync(GetRequest(IncomingCallUrl, IncomingCallSignature));

        Assert.Null(result.Rejection);
        var touchpoint = Assert.Single(result.Touchpoints);
        Assert.Equal("call.started", touchpoint.Type);
        Assert.Equal("CA7b810266248bdfda6ab66f956c264d20:ringing", touchpoint.SourceEventId);
        Assert.Equal([CustomerIdentifier.Phone("+14155550123")], touchpoint.Identities);
        Assert.Equal("text/xml", result.Response.ContentType);
    }

    [Fact]
    public async Task GET_with_a_query_parameter_changed_is_forbidden()
    {
        var forged = IncomingCallUrl.Replace("From=%2B14155550123", "From=%2B14155550199", StringComparison.Ordinal);
        Assert.NotEqual(IncomingCallUrl, forged);

        var rejection = await RejectedAsync(GetRequest(forged, IncomingCallSignature));

        Assert.Equal(403, rejection.StatusCode);
    }

    [Fact]
    public async Task GET_of_another_account_is_forbidden()
    {
        var rejection = await RejectedAsync(GetRequest(IncomingCallUrl, IncomingCallSignature), Instance(("AccountSid", "AC00000000000000000000000000000000")));

        Assert.Equal(403, rejection.StatusCode);
    }

    [Fact]
    public async Task GET_signed_as_the_official_URL_only_vector_passes_the_signature_check()
    {
        var vector = Get("vectors", "empty-param-list");
        var instance = Instance(("AuthToken", Text(vector, "auth_token")));

        var rejection = await RejectedAsync(GetRequest(Text(vector, "url_signed")!, Text(vector, "expected_signature")!), instance);

        // Authentic, but foo=1&bar=2 is no Twilio webhook.
        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("CallSid", rejection.Detail, StringComparison.Ordinal);
    }

    private static InboundWebhookRequest GetRequest(string url, string signature) =>
        Request("", url, signature) with { Method = "GET", ContentType = null, Body = ReadOnlyMemory<byte>.Empty };
}
