using System.Text;
using System.Text.Json;
using Hub.Connectors.Twitter.Signing;
using static Hub.Connectors.Twitter.Tests.TwitterTestKit;

namespace Hub.Connectors.Twitter.Tests.Signing;

/// <summary>signature-vectors.json from the shared formats: the CRC answer and the body signature.</summary>
public sealed class SignatureVectorTests
{
    private static readonly Lazy<JsonElement> Vectors = new(() => JsonDocument.Parse(Sample("signature-vectors.json")).RootElement.Clone());

    public static TheoryData<string> CrcIds() => [.. Section("crc").Select(v => v.GetProperty("id").GetString()!)];

    public static TheoryData<string> BodyIds() => [.. Section("body_signature").Select(v => v.GetProperty("id").GetString()!)];

    [Theory]
    [MemberData(nameof(CrcIds))]
    public void Crc_response_token_matches_the_vector(string id)
    {
        var vector = Vector("crc", id);

        var token = WebhookSignature.CrcResponseToken(vector.GetProperty("consumer_secret").GetString()!, vector.GetProperty("crc_token").GetString()!);

        Assert.Equal(vector.GetProperty("expected_response_token").GetString(), token);
    }

    [Theory]
    [MemberData(nameof(CrcIds))]
    public async Task A_crc_get_is_answered_with_the_documented_body(string id)
    {
        var vector = Vector("crc", id);
        var url = $"{HubUrl}?crc_token={Uri.EscapeDataString(vector.GetProperty("crc_token").GetString()!)}";

        var result = await HandleAsync(Request("GET", url, "", signature: null), Instance(("ConsumerSecret", vector.GetProperty("consumer_secret").GetString())));

        Assert.Null(result.Rejection);
        Assert.Empty(result.Touchpoints);
        Assert.Equal(200, result.Response.StatusCode);
        Assert.Equal("application/json", result.Response.ContentType);
        Assert.Equal(vector.GetProperty("expected_response_body").GetString(), result.Response.Body);
    }

    [Theory]
    [MemberData(nameof(BodyIds))]
    public void Body_signature_matches_the_vector_over_the_exact_bytes(string id)
    {
        var vector = Vector("body_signature", id);
        var body = vector.TryGetProperty("body_file", out var file)
            ? File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "formats", "twitter", file.GetString()!))
            : Encoding.UTF8.GetBytes(vector.GetProperty("body_utf8").GetString()!);
        var secret = vector.GetProperty("consumer_secret").GetString()!;
        var expected = vector.GetProperty("expected_x_twitter_webhooks_signature").GetString()!;

        Assert.Equal(expected, WebhookSignature.Of(secret, body));
        Assert.True(WebhookSignature.Matches(secret, body, expected));
        Assert.False(WebhookSignature.Matches(secret, [.. body, (byte)' '], expected));
    }

    [Fact]
    public void Public_autohook_fixtures_verify()
    {
        foreach (var vector in Vectors.Value.GetProperty("body_signature_public_fixtures").EnumerateArray())
        {
            var body = Encoding.UTF8.GetBytes(vector.GetProperty("body_utf8").GetString()!);
            Assert.True(WebhookSignature.Matches(vector.GetProperty("consumer_secret").GetString()!, body,
                vector.GetProperty("expected_x_twitter_webhooks_signature").GetString()));
        }
    }

    private static JsonElement Vector(string section, string id) => Section(section).Single(v => v.GetProperty("id").GetString() == id);

    private static IEnumerable<JsonElement> Section(string section) => Vectors.Value.GetProperty(section).EnumerateArray();
}
