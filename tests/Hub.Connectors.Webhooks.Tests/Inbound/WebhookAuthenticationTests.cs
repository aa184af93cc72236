using System.Globalization;
using System.Text;
using Hub.Connectors.Webhooks.Signing;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests.Inbound;

/// <summary>Standard Webhooks authentication through the connector's <c>HandleAsync</c>.</summary>
public sealed class WebhookAuthenticationTests
{
    private const string Identify = """{"type":"identify","messageId":"m-1","userId":"u-1","traits":{"email":"jane.doe@example.org"}}""";

    [Fact]
    public async Task Correctly_signed_request_is_accepted()
    {
        var touchpoints = await AcceptedAsync(Signed(Identify));

        Assert.Single(touchpoints);
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public async Task Missing_header_is_rejected_with_401_naming_it(string header)
    {
        var signed = Signed(Identify);
        var headers = signed.Headers.Where(h => !h.Key.Equals(header, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value);

        var rejection = await RejectedAsync(Request(signed.Body.ToArray(), signed.ContentType, signed.ReceivedAt, headers));

        Assert.Equal(401, rejection.StatusCode);
        Assert.Contains(header, rejection.Detail, StringComparison.Ordinal);
        foreach (var present in new[] { "webhook-id", "webhook-timestamp", "webhook-signature" }.Where(h => h != header))
        {
            Assert.DoesNotContain(present, rejection.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public async Task Blank_header_counts_as_missing(string header)
    {
        var signed = Signed(Identify);
        var headers = new Dictionary<string, string>(signed.Headers) { [header] = "  " };

        var rejection = await RejectedAsync(Request(signed.Body.ToArray(), signed.ContentType, signed.ReceivedAt, headers));

        Assert.Equal(401, rejection.StatusCode);
        Assert.Contains(header, rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_without_any_header_names_all_three()
    {
        var rejection = await RejectedAsync(Request(Encoding.UTF8.GetBytes(Identify), "application/json", Now, []));

        Assert.Equal(401, rejection.StatusCode);
        Assert.Contains("webhook-id, webhook-timestamp, webhook-signature", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forged_signature_is_rejected()
    {
        var rejection = await RejectedAsync(Signed(Identify, secret: SecretB));

        Assert.Equal(401, rejection.StatusCode);
        Assert.Contains("No webhook-signature entry matches", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signature_of_another_message_id_is_rejected()
    {
        var signed = Signed(Identify, messageId: "msg_original");
        var headers = new Dictionary<string, string>(signed.Headers) { ["webhook-id"] = "msg_replayed" };

        var rejection = await RejectedAsync(Request(signed.Body.ToArray(), signed.ContentType, signed.ReceivedAt, headers));

        Assert.Equal(401, rejection.StatusCode);
    }

    [Fact]
    public async Task Stale_timestamp_is_rejected()
    {
        var rejection = await RejectedAsync(Signed(Identify, signedAt: Now.AddSeconds(-301)));

        Assert.Equal(401, rejection.StatusCode);
        Assert.Contains("301 s old", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timestamp_too_far_in_the_future_is_rejected()
    {
        var rejection = await RejectedAsync(Signed(Identify, signedAt: Now.AddSeconds(301)));

        Assert.Equal(401, rejection.StatusCode);
        Assert.Contains("301 s in the future", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public async Task Timestamp_at_the_edge_of_the_tolerance_is_accepted(int offsetSeconds)
    {
        Assert.Single(await AcceptedAsync(Signed(Identify, signedAt: Now.AddSeconds(offsetSeconds))));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("1741945200.5")]
    [InlineData("-1741945200")]
    [InlineData("2025-03-14T09:40:00Z")]
    public async Task Timestamp_that_is_not_whole_unix_seconds_is_rejected(string timestamp)
    {
        var signed = Signed(Identify);
        var headers = new Dictionary<string, string>(signed.Headers) { ["webhook-timestamp"] = timestamp };

        var rejection = await RejectedAsync(Request(signed.Body.ToArray(), signed.ContentType, signed.ReceivedAt, headers));

        Assert.Equal(401, rejection.StatusCode);
        Assert.Contains("webhook-timestamp", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_signed_with_the_second_of_two_rotating_secrets_is_accepted()
    {
        var instance = Instance(("Secret", $"{SecretA} {SecretB}"));

        Assert.Single(await AcceptedAsync(Signed(Identify, secret: SecretB), instance));
        Assert.Single(await AcceptedAsync(Signed(Identify, secret: SecretA), instance));
    }

    [Fact]
    public async Task Message_signed_with_neither_rotating_secret_is_rejected()
    {
        var instance = Instance(("Secret", $"{SecretA} {SecretB}"));

        var rejection = await RejectedAsync(Signed(Identify, secret: SecretC), instance);

        Assert.Equal(401, rejection.StatusCode);
    }

    [Fact]
    public async Task Sender_rotating_its_secret_may_send_both_signatures()
    {
        var signed = Signed(Identify, secret: SecretC);
        var newSignature = Signed(Identify, secret: SecretA).Header("webhook-signature");
        var headers = new Dictionary<string, string>(signed.Headers)
        {
            ["webhook-signature"] = $"{signed.Header("webhook-signature")} v1a,bm90IGFuIGVkMjU1MTkgc2lnbmF0dXJl {newSignature}",
        };

        Assert.Single(await AcceptedAsync(Request(signed.Body.ToArray(), signed.ContentType, signed.ReceivedAt, headers)));
    }

    [Fact]
    public async Task Body_is_verified_byte_for_byte()
    {
        var signed = Signed(Identify);
        var reformatted = Identify.Replace(",", ", ", StringComparison.Ordinal);

        var rejection = await RejectedAsync(Request(Encoding.UTF8.GetBytes(reformatted), signed.ContentType, signed.ReceivedAt, new(signed.Headers)));

        Assert.Equal(401, rejection.StatusCode);
    }

    [Fact]
    public async Task Body_with_a_trailing_newline_added_is_rejected()
    {
        var signed = Signed(Identify);

        var rejection = await RejectedAsync(Request(Encoding.UTF8.GetBytes(Identify + "\n"), signed.ContentType, signed.ReceivedAt, new(signed.Headers)));

        Assert.Equal(401, rejection.StatusCode);
    }

    [Fact]
    public async Task Body_that_is_not_canonical_JSON_verifies_when_signed_as_sent()
    {
        const string Pretty = "{\n  \"type\" : \"identify\",\n  \"userId\" : \"u-1\"\n}\n";

        Assert.Single(await AcceptedAsync(Signed(Pretty)));
    }

    [Fact]
    public async Task Authentication_comes_before_parsing()
    {
        // An unsigned body that is not even JSON is refused as unauthenticated, telling the caller nothing about parsing.
        var rejection = await RejectedAsync(Request(Encoding.UTF8.GetBytes("<xml/>"), "text/plain", Now, new()
        {
            ["webhook-id"] = "msg_1",
            ["webhook-timestamp"] = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["webhook-signature"] = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        }));

        Assert.Equal(401, rejection.StatusCode);
    }

    [Fact]
    public async Task Request_signed_by_the_connector_s_own_signer_is_accepted()
    {
        Assert.True(StandardWebhookSignature.TryDecodeSecret(SecretA, out var key));
        var body = Encoding.UTF8.GetBytes(Identify);
        var timestamp = Now.ToUnixTimeSeconds();

        var request = Request(body, "application/json", Now, new()
        {
            ["webhook-id"] = "msg_own",
            ["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture),
            ["webhook-signature"] = StandardWebhookSignature.Sign(key, "msg_own", timestamp, body),
        });

        Assert.Single(await AcceptedAsync(request));
    }
}
