using System.Text;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>
/// The remote-connector API, <c>POST /connector-api/v1/touchpoints</c>: a CloudEvents batch of touchpoints with a
/// <c>remote</c> instance's bearer token, taken whole or not at all (202).
/// </summary>
internal sealed class ConnectorApiEndpoint() : FuzzedEndpoint(Id)
{
    public const string Id = "remote1";
    public const string Token = "remote1-connector-token-0123456789abcdef";
    private const string ApiPath = "connector-api/v1/touchpoints";
    private const string Batch = "application/cloudevents-batch+json";

    private static int _events;

    public override int ValidStatus => 202;

    protected override string OversizedContentType => Batch;

    public override HttpRequestMessage Valid() => Authenticated("valid", Encoding.UTF8.GetBytes($"[{Event("valid")}]"), Batch, 202).ToRequest();

    protected override BadWebhook Forged(Random random)
    {
        var authorization = Pick<string?>(random, [null, "", "Bearer", "Bearer ", $"Bearer {Token}x", $"Bearer {Token[..^1]}", $"Basic {Token}", Token, "Bearer whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "Bearer " + new string('A', 5_000)]);
        var headers = authorization is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Authorization"] = authorization };
        return new BadWebhook(InstanceId, "forged: no or a wrong token", Sample(random), Batch, 401) { Headers = headers, Path = ApiPath };
    }

    protected override BadWebhook Malformed(Random random)
    {
        if (random.Next(3) == 0)
        {
            // Valid JSON that is no batch of touchpoints; a good event beside a bad one must not be taken either.
            var (how, body) = Pick(random, WrongShapes());
            return Authenticated($"malformed: {how}", Encoding.UTF8.GetBytes(body), Batch, 400);
        }
        var (broken, bytes) = Mutations.BreakJson(random, Sample(random));
        return Authenticated($"malformed: {broken}", bytes, Batch, 400);
    }

    protected override BadWebhook WrongContentType(Random random, string contentType) =>
        Authenticated("wrong content type", Sample(random), random.Next(3) == 0 ? Pick(random, ["application/json", "application/cloudevents+json"]) : contentType, 415);

    protected override BadWebhook Authenticated(string kind, byte[] body, string contentType, int expectedStatus) =>
        new(InstanceId, kind, body, contentType, expectedStatus) { Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {Token}" }, Path = ApiPath };

    /// <summary>A batch of one or two events, each with an id of its own, so a batch taken by mistake shows on the timeline.</summary>
    private static byte[] Sample(Random random) =>
        Encoding.UTF8.GetBytes(random.Next(2) == 0 ? $"[{Event(NextId())}]" : $"[{Event(NextId())},{Event(NextId())}]");

    private static (string How, string Body)[] WrongShapes() =>
    [
        ("an empty batch", "[]"),
        ("a single event, not a batch", Event(NextId())),
        ("a good event and one of another type", $"[{Event(NextId())},{Event(NextId()).Replace("io.hub.touchpoint", "io.hub.customer", StringComparison.Ordinal)}]"),
        ("a good event and one without identities", $"[{Event(NextId())},{Event(NextId()).Replace("[{\"type\":\"email\",\"value\":\"ada@example.com\"}]", "[]", StringComparison.Ordinal)}]"),
        ("a good event and one of an unknown channel", $"[{Event(NextId())},{Event(NextId()).Replace("\"channel\":\"web\"", "\"channel\":\"fax\"", StringComparison.Ordinal)}]"),
        ("a good event and one without specversion", $"[{Event(NextId())},{Event(NextId()).Replace("\"specversion\":\"1.0\",", "", StringComparison.Ordinal)}]"),
        ("a good event and one with data as a string", $"[{Event(NextId())},{{\"specversion\":\"1.0\",\"id\":\"{NextId()}\",\"source\":\"urn:example:fuzz\",\"type\":\"io.hub.touchpoint\",\"data\":\"ticket\"}}]"),
        ("a time that is no time", $"[{Event(NextId()).Replace("2026-03-01T10:00:00Z", "yesterday", StringComparison.Ordinal)}]"),
        ("a direction that is no direction", $"[{Event(NextId()).Replace("\"inbound\"", "\"sideways\"", StringComparison.Ordinal)}]"),
    ];

    private static string NextId() => $"fuzz-{Interlocked.Increment(ref _events)}";

    private static string Event(string id) =>
        $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"urn:example:fuzz","type":"io.hub.touchpoint","time":"2026-03-01T10:00:00Z","datacontenttype":"application/json","data":{"channel":"web","type":"helpdesk.ticket.opened","direction":"inbound","identities":[{"type":"email","value":"ada@example.com"}],"profile":{"name":"Ada Example"},"summary":"Printer on fire"}}""";
}
