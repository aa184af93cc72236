using System.Text;
using Hub.Integration.Tests.Connectors.Twilio;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>Twilio's form-encoded webhooks, authenticated with X-Twilio-Signature over the public URL and the parameters.</summary>
internal sealed class TwilioEndpoint() : FuzzedEndpoint(TwilioHub.InstanceId)
{
    private const string SignedUrl = $"{TwilioHub.PublicBaseUrl}/webhooks/{TwilioHub.InstanceId}";
    private const string Form = "application/x-www-form-urlencoded";

    private static readonly string[] Samples = [.. new[] { "sms-inbound.form", "mms-inbound.form", "voice-incoming.form", "voice-status-completed.form", "recording-completed.form" }
        .Select(name => Encoding.UTF8.GetString(Sample("twilio", name)))];

    /// <summary>The parameters that make a form a Twilio call, recording or message webhook.</summary>
    private static readonly string[] Identifying = ["CallSid", "MessageSid", "RecordingSid"];

    public override HttpRequestMessage Valid() => Authenticated("valid", Encoding.UTF8.GetBytes(Samples[0]), Form, 200).ToRequest();

    protected override BadWebhook Forged(Random random)
    {
        var form = Pick(random, Samples);
        var (kind, signature, sent) = random.Next(6) switch
        {
            0 => ("no signature", null, form),
            1 => ("signed with another auth token", TwilioHub.Sign("fedcba9876543210fedcba9876543210", SignedUrl, form), form),
            2 => ("a parameter added after signing", TwilioHub.Sign(TwilioHub.AuthToken, SignedUrl, form), form + "&CallerName=Mallory"),
            3 => ("signed for another URL", TwilioHub.Sign(TwilioHub.AuthToken, "http://hub.example.com/webhooks/tw1", form), form),
            4 => ("signature garbage", Pick(random, ["", "x", new string('A', 28), "====", new string('/', 3_000)]), form),
            _ => ("another account, signed", TwilioHub.Sign(TwilioHub.AuthToken, SignedUrl, OtherAccount(form)), OtherAccount(form)),
        };
        var headers = signature is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["X-Twilio-Signature"] = signature };
        return new BadWebhook(InstanceId, $"forged: {kind}", Encoding.UTF8.GetBytes(sent), Form, 403) { Headers = headers };
    }

    /// <summary>Not a call, recording or message webhook (its identifying parameters gone), and garbled on top.</summary>
    protected override BadWebhook Malformed(Random random)
    {
        var pairs = Pick(random, Samples).Split('&').Where(p => !Identifying.Contains(p.Split('=')[0])).ToList();
        var body = Encoding.UTF8.GetBytes(string.Join('&', pairs));
        var (how, broken) = random.Next(4) switch
        {
            0 => ("no call, recording or message id", body),
            1 => ("invalid UTF-8", [.. body, .. "&Body="u8, .. Mutations.InsertInvalidUtf8(random, "Hello"u8.ToArray())]),
            2 => ("garbage parameters", Encoding.UTF8.GetBytes(string.Join('&', Enumerable.Range(0, random.Next(1, 30)).Select(i => $"{Mutations.Garbage(random, 6).Replace("&", "", StringComparison.Ordinal).Replace("=", "", StringComparison.Ordinal)}={Uri.EscapeDataString(Mutations.Garbage(random, 20))}")))),
            _ => ("broken percent-encoding", [.. body, .. Encoding.UTF8.GetBytes(Pick(random, ["&Body=%ZZ", "&Body=%", "&Body=%C3", "&%FF=%FE"]))]),
        };
        return Authenticated($"malformed: {how}", broken, Form, 400);
    }

    protected override BadWebhook WrongContentType(Random random, string contentType) =>
        Authenticated("wrong content type", Encoding.UTF8.GetBytes(Pick(random, Samples)), contentType, 415);

    /// <summary>Signed the way Twilio signs: over the parameters as the hub decodes them (invalid UTF-8 included).</summary>
    protected override BadWebhook Authenticated(string kind, byte[] body, string contentType, int expectedStatus) =>
        new(InstanceId, kind, body, contentType, expectedStatus)
        {
            Headers = new Dictionary<string, string> { ["X-Twilio-Signature"] = TwilioHub.Sign(TwilioHub.AuthToken, SignedUrl, Encoding.UTF8.GetString(body)) },
        };

    private static string OtherAccount(string form) => form.Replace(TwilioHub.AccountSid, "AC00000000000000000000000000000000", StringComparison.Ordinal);
}
