using System.Text;
using Hub.Integration.Tests.Connectors.Email;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>
/// A Mailgun route's <c>forward()</c> post (a form), signed in its <c>timestamp</c>, <c>token</c> and <c>signature</c>
/// fields: lower-case hex HMAC-SHA256 of timestamp + token under the signing key. The signature does not cover the
/// mail, so a mail broken under a good signature is a 400, a bad signature a 401.
/// </summary>
internal sealed class MailgunEndpoint() : FuzzedEndpoint(Id)
{
    public const string Id = "mailgun1";
    private const string Form = "application/x-www-form-urlencoded";

    /// <summary>The sample as it is, signed with vector 1 of mailgun-signature-vectors.json in March 2025.</summary>
    private static readonly string SignedLongAgo = Encoding.UTF8.GetString(Sample("email", "mailgun-inbound.form")).Trim();

    /// <summary>The sample signed now with the same key (<see cref="MailHub.MailgunKey"/>), with one token.</summary>
    private static readonly string Post = MailHub.MailgunSignedNow(SignedLongAgo);

    public override HttpRequestMessage Valid() => Authenticated("valid", Encoding.UTF8.GetBytes(Post), Form, 200).ToRequest();

    protected override BadWebhook Forged(Random random)
    {
        var fields = Fields(Post);
        var timestamp = Value(fields, "timestamp");
        var token = Value(fields, "token");
        var (kind, sent) = random.Next(7) switch
        {
            5 => ("signed more than a day ago (a captured post replayed)", Bytes(SignedLongAgo)),
            0 => ("no signature", Bytes(Without(fields, Pick(random, ["signature", "timestamp", "token"])))),
            1 => ("signed with another key", Bytes(With(fields, "signature", MailHub.MailgunSignature("example-signing-key-0002", timestamp, token)))),
            2 => ("token changed after signing", Bytes(With(fields, "token", token[..^1] + (token[^1] == '0' ? '1' : '0')))),
            3 => ("timestamp changed after signing", Bytes(With(fields, "timestamp", (long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))),
            4 => ("signature garbage", Bytes(With(fields, "signature", Pick(random, ["", "x", MailHub.MailgunSignature(MailHub.MailgunKey, timestamp, token).ToUpperInvariant(), new string('0', 64), new string('f', 5_000)])))),
            // Every prefix ends inside the signature at the latest (it is the last field): cut or gone.
            _ => ("truncated, the signature cut", Mutations.Truncate(random, Encoding.UTF8.GetBytes(Post))),
        };
        return new BadWebhook(InstanceId, $"forged: {kind}", sent, Form, 401);
    }

    /// <summary>Signed correctly, but no mail in it: the headers list broken or gone, or a multipart body without fields.</summary>
    protected override BadWebhook Malformed(Random random)
    {
        var fields = Fields(Post);
        switch (random.Next(4))
        {
            case 0:
                return Authenticated("malformed: no body-mime and no message-headers", Encoding.UTF8.GetBytes(Without(fields, "message-headers")), Form, 400);
            case 1:
                var boundary = $"b{random.Next():x}";
                var multipart = $"--{boundary}\r\nContent-Disposition: form-data; name=\"timestamp\"\r\n\r\n{Value(fields, "timestamp")}\r\n--{boundary}--\r\n";
                return Authenticated("malformed: multipart of another boundary", Encoding.UTF8.GetBytes(multipart), $"multipart/form-data; boundary=other{boundary}", 400);
            default:
                var (how, headers) = Mutations.BreakJsonText(random, Encoding.UTF8.GetBytes(Value(fields, "message-headers")));
                return Authenticated($"malformed message-headers: {how}", Encoding.UTF8.GetBytes(With(fields, "message-headers", Encoding.UTF8.GetString(headers))), Form, 400);
        }
    }

    /// <summary>Mailgun posts a form (urlencoded, or multipart with attachments); anything else is not one.</summary>
    protected override BadWebhook WrongContentType(Random random, string contentType) =>
        Authenticated("wrong content type", Encoding.UTF8.GetBytes(Post), contentType.StartsWith("multipart/form-data", StringComparison.Ordinal) ? "application/json" : contentType, 415);

    /// <summary>The signature travels in the form: <paramref name="body"/> is sent as it is.</summary>
    protected override BadWebhook Authenticated(string kind, byte[] body, string contentType, int expectedStatus) =>
        new(InstanceId, kind, body, contentType, expectedStatus);

    private static List<(string Name, string Value)> Fields(string form) =>
        [.. form.Split('&').Select(pair => pair.Split('=', 2)).Select(p => (Unescape(p[0]), Unescape(p.Length > 1 ? p[1] : "")))];

    private static string Value(List<(string Name, string Value)> fields, string name) => fields.Single(f => f.Name == name).Value;

    private static string Without(List<(string Name, string Value)> fields, string name) => Encode(fields.Where(f => f.Name != name));

    private static string With(List<(string Name, string Value)> fields, string name, string value) =>
        Encode(fields.Select(f => f.Name == name ? (f.Name, value) : f));

    private static string Encode(IEnumerable<(string Name, string Value)> fields) =>
        string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Name)}={Uri.EscapeDataString(f.Value)}"));

    private static byte[] Bytes(string form) => Encoding.UTF8.GetBytes(form);

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
