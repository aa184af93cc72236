using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>
/// X's Account Activity webhook: events signed with <c>x-twitter-webhooks-signature</c> (<c>sha256=</c> + base64
/// HMAC-SHA256 of the raw body under the consumer secret), and the CRC challenge, a GET with <c>crc_token</c>.
/// </summary>
internal sealed partial class TwitterEndpoint() : FuzzedEndpoint(Id)
{
    public const string Id = "x1";
    public const string ConsumerSecret = "hub-test-consumer-secret";
    public const string AccountUserId = "1102497772336161459";
    private const string Json = "application/json";
    private const string Header = "x-twitter-webhooks-signature";

    private static readonly byte[][] Events = [.. new[] { "aaa-dm-received.json", "aaa-tweet-create-mention.json", "aaa-favorite.json", "aaa-follow.json", "aaa-tweet-delete.json" }
        .Select(name => Sample("twitter", name))];

    /// <summary>JSON that parses but is no Account Activity payload X sends: each must be a 400, never a 500 or a 200.</summary>
    private static readonly string[] WrongShapes =
    [
        $$$"""{"for_user_id":"{{{AccountUserId}}}","direct_message_events":{"type":"message_create"}}""",
        $$$"""{"for_user_id":"{{{AccountUserId}}}","direct_message_events":[{"type":"message_create","id":"1","created_timestamp":"1749564570111"}]}""",
        $$$"""{"for_user_id":"{{{AccountUserId}}}","tweet_delete_events":[{"status":{"id":"1","user_id":"2"},"timestamp_ms":"soon"}]}""",
        $$$"""{"for_user_id":"{{{AccountUserId}}}","tweet_delete_events":[{"status":{"id":"1","user_id":"2"},"timestamp_ms":"99999999999999999999"}]}""",
        $$$"""{"for_user_id":"{{{AccountUserId}}}","tweet_delete_events":[{"status":{"id":"1","user_id":"2"},"timestamp_ms":"9999999999999999"}]}""",
        $$$"""{"for_user_id":"{{{AccountUserId}}}","tweet_create_events":[{"id_str":"1","created_at":"yesterday","text":"hi","user":{"id_str":"2"}}]}""",
        $$$"""{"for_user_id":"{{{AccountUserId}}}","follow_events":[{"type":"follow","created_timestamp":"1749564570111","source":{"id_str":2},"target":{"id_str":"{{{AccountUserId}}}"}}]}""",
    ];

    public override HttpRequestMessage Valid() => Authenticated("valid", Events[0], Json, 200).ToRequest();

    protected override BadWebhook Forged(Random random)
    {
        var body = Pick(random, Events);
        var (kind, signature, sent) = random.Next(7) switch
        {
            0 => ("no signature", null, body),
            1 => ("signed with another secret", Sign("some-other-consumer-secret", body), body),
            2 => ("body changed after signing", Sign(ConsumerSecret, body), [.. body, (byte)' ']),
            3 => ("the signature of another event", Sign(ConsumerSecret, Events[(Array.IndexOf(Events, body) + 1) % Events.Length]), body),
            4 => ("no sha256= prefix", Sign(ConsumerSecret, body)["sha256=".Length..], body),
            5 => ("hex instead of base64", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ConsumerSecret), body)), body),
            _ => ("signature garbage", Pick(random, ["", "sha256=", "sha256=!!!", "sha1=" + Convert.ToBase64String(new byte[20]), "sha256=" + new string('A', 5_000)]), body),
        };
        var headers = signature is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [Header] = signature };
        return new BadWebhook(InstanceId, $"forged: {kind}", sent, Json, 401) { Headers = headers };
    }

    protected override BadWebhook Malformed(Random random) => random.Next(6) switch
    {
        < 4 => Broken(random),
        4 => Authenticated("malformed: not an Account Activity shape", Encoding.UTF8.GetBytes(Pick(random, WrongShapes)), Json, 400),
        _ => new BadWebhook(InstanceId, "malformed: CRC challenge without a token", [], null, 400)
        {
            Method = HttpMethod.Get,
            Path = $"webhooks/{InstanceId}" + Pick(random, ["", "?crc_token=", "?crc_token", "?nonce=abc"]),
        },
    };

    protected override BadWebhook WrongContentType(Random random, string contentType) =>
        Authenticated("wrong content type", Pick(random, Events), contentType, 415);

    protected override BadWebhook Authenticated(string kind, byte[] body, string contentType, int expectedStatus) =>
        new(InstanceId, kind, body, contentType, expectedStatus) { Headers = new Dictionary<string, string> { [Header] = Sign(ConsumerSecret, body) } };

    private BadWebhook Broken(Random random)
    {
        var body = Pick(random, Events);
        if (random.Next(5) == 0)
        {
            // for_user_id as a number: valid JSON, the wrong type where the hub first looks.
            return Authenticated("malformed: for_user_id not a string", Encoding.UTF8.GetBytes(ForUserId().Replace(Encoding.UTF8.GetString(body), "\"for_user_id\": $1", 1)), Json, 400);
        }
        var (how, broken) = Mutations.BreakJson(random, body);
        return Authenticated($"malformed: {how}", broken, Json, 400);
    }

    private static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [GeneratedRegex("\"for_user_id\":\\s*\"([0-9]+)\"")]
    private static partial Regex ForUserId();
}
