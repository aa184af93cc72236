using System.Text;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>A webhook endpoint of one connector kind, and how to make bad requests for it that it must refuse.</summary>
internal abstract class FuzzedEndpoint(string instanceId)
{
    private static readonly string[] NotItsContentType =
        ["text/plain", "application/octet-stream", "text/html; charset=utf-8", "multipart/form-data; boundary=x", "image/png"];

    public string InstanceId => instanceId;

    /// <summary>A bad request of a kind chosen at random.</summary>
    public BadWebhook Next(Random random, int maxBodyBytes) => random.Next(10) switch
    {
        < 3 => Forged(random),
        < 7 => Malformed(random),
        < 9 => WrongContentType(random, NotItsContentType[random.Next(NotItsContentType.Length)]),
        _ => Oversized(random, maxBodyBytes),
    };

    /// <summary>A request the endpoint takes, with <see cref="ValidStatus"/>.</summary>
    public abstract HttpRequestMessage Valid();

    /// <summary>What the endpoint answers <see cref="Valid"/>: 200, or 202 where its protocol says so.</summary>
    public virtual int ValidStatus => 200;

    /// <summary>The content type the oversized requests claim: one the endpoint reads, so only their size is wrong.</summary>
    protected virtual string OversizedContentType => "application/json";

    /// <summary>A valid body, wrongly or not at all authenticated: 401, or 403 where the channel says so.</summary>
    protected abstract BadWebhook Forged(Random random);

    /// <summary>A broken body, authenticated correctly so that it reaches the parser: 400.</summary>
    protected abstract BadWebhook Malformed(Random random);

    /// <summary>A valid body, authenticated, in a content type the connector does not read: 415.</summary>
    protected abstract BadWebhook WrongContentType(Random random, string contentType);

    /// <summary>An authenticated request for <paramref name="body"/>.</summary>
    protected abstract BadWebhook Authenticated(string kind, byte[] body, string contentType, int expectedStatus);

    /// <summary>Over the limit, authenticated, sometimes without Content-Length: 413.</summary>
    private BadWebhook Oversized(Random random, int maxBodyBytes)
    {
        var pad = new string('x', maxBodyBytes + random.Next(1, 20_000));
        var body = Encoding.UTF8.GetBytes($$$"""{"type":"identify","userId":"big","traits":{"pad":"{{{pad}}}"}}""");
        return Authenticated("oversized", body, OversizedContentType, 413) with { Chunked = random.Next(2) == 0 };
    }

    protected static byte[] Sample(string folder, string name) =>
        Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", folder, name)).Trim());

    protected static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
