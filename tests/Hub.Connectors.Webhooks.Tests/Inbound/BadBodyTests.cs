using System.Security.Cryptography;
using System.Text;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests.Inbound;

/// <summary>Authentic requests whose body cannot be taken: a 400 (or 415) naming the problem, and no touchpoint at all.</summary>
public sealed class BadBodyTests
{
    [Theory]
    [InlineData("{\"type\":\"identify\",")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Invalid_JSON_is_rejected_with_400(string body)
    {
        var rejection = await RejectedAsync(Signed(body));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("not valid JSON", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_call_type_is_rejected_with_400_naming_it()
    {
        var rejection = await RejectedAsync(Signed("""{"type":"purchase","userId":"u-1"}"""));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'type' must be one of", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("'purchase'", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_without_type_is_rejected_with_400()
    {
        var rejection = await RejectedAsync(Signed("""{"userId":"u-1","traits":{"email":"jane.doe@example.org"}}"""));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'type'", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Track_without_event_is_rejected_with_400()
    {
        var rejection = await RejectedAsync(Signed("""{"type":"track","userId":"u-1","properties":{"total":1}}"""));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("track call needs 'event'", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"identify","traits":{"name":"Jane Doe"}}""")]
    [InlineData("""{"type":"track","event":"Order Completed"}""")]
    [InlineData("""{"type":"identify","userId":"","anonymousId":""}""")]
    public async Task Call_with_no_user_id_anonymous_id_email_or_phone_is_rejected_with_400(string body)
    {
        var rejection = await RejectedAsync(Signed(body));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("needs 'userId' or 'anonymousId'", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_with_one_bad_item_is_rejected_whole_naming_the_item()
    {
        const string Body = """
            {"batch":[
              {"type":"identify","messageId":"b-1","userId":"u-1"},
              {"type":"track","messageId":"b-2","userId":"u-1","event":"Order Completed"},
              {"type":"track","messageId":"b-3","userId":"u-1"},
              {"type":"page","messageId":"b-4","anonymousId":"anon-1"}
            ]}
            """;

        var rejection = await RejectedAsync(Signed(Body));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("batch[2]", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("'event'", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Array_with_one_bad_item_is_rejected_whole_naming_the_item()
    {
        const string Body = """[{"type":"identify","userId":"u-1"},{"type":"identify","userId":"u-2"},{"type":"wave","userId":"u-3"}]""";

        var rejection = await RejectedAsync(Signed(Body));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("batch[2]", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("'wave'", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_that_is_not_an_array_is_rejected_with_400()
    {
        var rejection = await RejectedAsync(Signed("""{"batch":{"type":"identify","userId":"u-1"}}"""));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'batch' must be an array", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"identify\"")]
    [InlineData("null")]
    public async Task Body_that_is_not_an_object_or_array_is_rejected_with_400(string body)
    {
        var rejection = await RejectedAsync(Signed(body));

        Assert.Equal(400, rejection.StatusCode);
    }

    [Fact]
    public async Task Timestamp_that_is_not_a_date_is_rejected_with_400()
    {
        var rejection = await RejectedAsync(Signed("""{"type":"identify","userId":"u-1","timestamp":"last tuesday"}"""));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'timestamp'", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_id_longer_than_200_characters_is_rejected_with_400()
    {
        var body = $$"""{"type":"identify","userId":"u-1","messageId":"{{new string('m', 201)}}"}""";

        var rejection = await RejectedAsync(Signed(body));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'messageId'", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml; charset=utf-8")]
    public async Task Content_type_that_is_not_JSON_is_rejected_with_415(string contentType)
    {
        var rejection = await RejectedAsync(Signed(Sample("segment-identify.json"), contentType: contentType));

        Assert.Equal(415, rejection.StatusCode);
        Assert.Contains(contentType, rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_without_content_type_is_rejected_with_415_naming_the_accepted_types()
    {
        var rejection = await RejectedAsync(Signed(Sample("segment-identify.json"), contentType: null));

        Assert.Equal(415, rejection.StatusCode);
        Assert.Contains("without Content-Type", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("application/json", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("application/cloudevents+json", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"identify","userId":"t\ud800x"}""", "application/json", "'userId'")]
    [InlineData("""{"type":"identify","userId":"u-1","traits":{"name":"Jo\udc00"}}""", "application/json", "'traits.name'")]
    [InlineData("""{"batch":[{"type":"identify","userId":"u-1"},{"type":"track","userId":"u-1","event":"\ud83d"}]}""", "application/json", "'batch[1].event'")]
    [InlineData("""{"type":"identify","userId":"u-1","traits":{"\ud800":"x"}}""", "application/json", "a member name in 'traits'")]
    [InlineData("""{"specversion":"1.0","type":"io.hub.touchpoint","source":"https://crm.example.com","id":"\ud800","data":{"type":"t"}}""", "application/cloudevents+json", "'id'")]
    public async Task String_with_a_lone_surrogate_escape_is_rejected_with_400_naming_the_field(string body, string contentType, string field)
    {
        var rejection = await RejectedAsync(Signed(body, contentType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains(field, rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("lone surrogate", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escaped_surrogate_pair_is_text_and_is_read()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed("""{"type":"identify","userId":"u-1","traits":{"name":"Jo \ud83d\ude00"}}""")));

        Assert.Equal("Jo 😀", touchpoint.ProfileFacts["name"]);
    }

    [Theory]
    [InlineData("traits")] // read by the mapper: the reader used to fail there, a 500
    [InlineData("context")] // never read: the body used to be taken
    public async Task Body_with_bytes_that_are_not_UTF_8_is_rejected_with_400(string where)
    {
        byte[] body = [.. Encoding.UTF8.GetBytes($$"""{"type":"identify","messageId":"m-1","userId":"u-1","{{where}}":{"name":"Jos"""), 0xC3, 0x28, .. "\"}}"u8];
        const string Id = "msg_utf8";
        var timestamp = Now.ToUnixTimeSeconds();
        var key = Convert.FromBase64String(SecretA["whsec_".Length..]);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{Id}.{timestamp}."), .. body];
        var signature = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));

        var rejection = await RejectedAsync(Request(body, "application/json", Now, new()
        {
            ["webhook-id"] = Id,
            ["webhook-timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = signature,
        }));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("UTF-8", rejection.Detail, StringComparison.Ordinal);
    }
}
