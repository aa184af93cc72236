using System.Globalization;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>An endpoint authenticated with Standard Webhooks signatures: the <c>webhooks</c> and <c>pbx</c> connectors.</summary>
internal sealed class StandardWebhooksEndpoint(string instanceId, IReadOnlyList<byte[]> samples) : FuzzedEndpoint(instanceId)
{
    private const string OtherSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    public override HttpRequestMessage Valid() => Authenticated("valid", samples[0], "application/json", 200).ToRequest();

    protected override BadWebhook Forged(Random random)
    {
        var body = Pick(random, samples);
        var id = $"msg_forged_{random.Next():x}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var headers = new Dictionary<string, string>
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = now.ToString(CultureInfo.InvariantCulture),
            ["webhook-signature"] = SignedWebhookSender.Signature(SignedWebhookSender.ExampleSecret, id, now, body),
        };
        var (kind, bodySent) = random.Next(7) switch
        {
            0 => ("signed with another secret", Sign(headers, OtherSecret, id, now, body)),
            1 => ("body changed after signing", [.. body, (byte)' ']),
            2 => ("timestamp outside the tolerance", Sign(headers, SignedWebhookSender.ExampleSecret, id, now + Pick(random, [-3_600L, -400L, 400L, 86_400L]), body)),
            3 => ("a header missing", Without(headers, Pick(random, ["webhook-id", "webhook-timestamp", "webhook-signature"]), body)),
            4 => ("signature garbage", Set(headers, "webhook-signature", Pick(random, ["v1,", "v1,!!!", "v2," + Convert.ToBase64String(new byte[32]), "v1," + new string('A', 5_000), "v1a,abc"]), body)),
            5 => ("timestamp not a number", Set(headers, "webhook-timestamp", Pick(random, ["soon", "1e9", "-", "99999999999999999999"]), body)),
            _ => ("signature for another id", Set(headers, "webhook-id", id + "x", body)),
        };
        return new BadWebhook(InstanceId, $"forged: {kind}", bodySent, "application/json", 401) { Headers = headers };
    }

    protected override BadWebhook Malformed(Random random)
    {
        var (how, body) = Mutations.BreakJson(random, Pick(random, samples));
        return Authenticated($"malformed: {how}", body, "application/json", 400);
    }

    protected override BadWebhook WrongContentType(Random random, string contentType) =>
        Authenticated("wrong content type", Pick(random, samples), contentType, 415);

    protected override BadWebhook Authenticated(string kind, byte[] body, string contentType, int expectedStatus)
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new BadWebhook(InstanceId, kind, body, contentType, expectedStatus)
        {
            Headers = new Dictionary<string, string>
            {
                ["webhook-id"] = id,
                ["webhook-timestamp"] = now.ToString(CultureInfo.InvariantCulture),
                ["webhook-signature"] = SignedWebhookSender.Signature(SignedWebhookSender.ExampleSecret, id, now, body),
            },
        };
    }

    private static byte[] Sign(Dictionary<string, string> headers, string secret, string id, long timestamp, byte[] body)
    {
        headers["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture);
        headers["webhook-signature"] = SignedWebhookSender.Signature(secret, id, timestamp, body);
        return body;
    }

    private static byte[] Without(Dictionary<string, string> headers, string name, byte[] body)
    {
        headers.Remove(name);
        return body;
    }

    private static byte[] Set(Dictionary<string, string> headers, string name, string value, byte[] body)
    {
        headers[name] = value;
        return body;
    }
}
