using System.Net.Http.Headers;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>One bad request to one webhook endpoint, and the answer it must get.</summary>
internal sealed record BadWebhook(string InstanceId, string Kind, byte[] Body, string? ContentType, int ExpectedStatus)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Sent without Content-Length (chunked), so the hub finds out the size only while reading.</summary>
    public bool Chunked { get; init; }

    /// <summary>GET sends no body (X's CRC challenge is a GET).</summary>
    public HttpMethod Method { get; init; } = HttpMethod.Post;

    /// <summary>Path and query relative to the hub; the instance's webhook URL when not given.</summary>
    public string? Path { get; init; }

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(Method, new Uri(Path ?? $"webhooks/{InstanceId}", UriKind.Relative));
        if (Method != HttpMethod.Get)
        {
            request.Content = Chunked ? new StreamContent(new MemoryStream(Body)) : new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
            }
        }
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (Chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }
        return request;
    }

    public override string ToString() => $"{InstanceId} {Method} {Path ?? "webhooks/" + InstanceId} {Kind} ({Body.Length} bytes, {ContentType ?? "no content type"})";
}
