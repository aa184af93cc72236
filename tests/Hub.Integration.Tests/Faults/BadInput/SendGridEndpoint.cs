using System.Text;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>SendGrid Inbound Parse: a multipart form (boundary from the header), with the basic-auth credentials of the webhook URL.</summary>
internal sealed class SendGridEndpoint() : FuzzedEndpoint(Id)
{
    public const string Id = "sendgrid1";
    private const string Multipart = "multipart/form-data; boundary=xYzZY";

    /// <summary>Read as bytes: the sample carries a binary attachment.</summary>
    private static readonly byte[] Post = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "formats", "email", "sendgrid-inbound.multipart"));

    public override HttpRequestMessage Valid() => Authenticated("valid", Post, Multipart, 200).ToRequest();

    protected override BadWebhook Forged(Random random)
    {
        var (kind, headers) = ParseCredentials.Forged(random);
        return new BadWebhook(InstanceId, $"forged: {kind}", Post, Multipart, 401) { Headers = headers };
    }

    /// <summary>No mail in the form (neither <c>email</c> nor <c>headers</c>), or no form fields in the multipart at all.</summary>
    protected override BadWebhook Malformed(Random random) => random.Next(4) switch
    {
        0 => Authenticated("malformed: no headers field", Rename(Post, "name=\"headers\"", "name=\"x-headers\""), Multipart, 400),
        1 => Authenticated("malformed: another boundary declared", Post, $"multipart/form-data; boundary=other{random.Next():x}", 400),
        2 => Authenticated("malformed: no parts", Encoding.UTF8.GetBytes(Pick(random, ["", "--xYzZY--\r\n", "preamble only\r\n", Mutations.Garbage(random, 200)])), Multipart, 400),
        _ => Authenticated("malformed: parts without a name", Rename(Post, "Content-Disposition: form-data; name=", "Content-Disposition: form-data; x-name="), Multipart, 400),
    };

    /// <summary>SendGrid posts a multipart form; a body in any other type is not one (urlencoded would be one, so it is not tried).</summary>
    protected override BadWebhook WrongContentType(Random random, string contentType) =>
        Authenticated("wrong content type", Post, contentType.StartsWith("multipart/form-data", StringComparison.Ordinal) ? "application/json" : contentType, 415);

    protected override BadWebhook Authenticated(string kind, byte[] body, string contentType, int expectedStatus) =>
        new(InstanceId, kind, body, contentType, expectedStatus) { Headers = ParseCredentials.Valid() };

    /// <summary>Replaces every occurrence of an ASCII text in the raw bytes (the binary parts stay as they are).</summary>
    private static byte[] Rename(byte[] body, string what, string with) =>
        Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(body).Replace(what, with, StringComparison.Ordinal));
}
