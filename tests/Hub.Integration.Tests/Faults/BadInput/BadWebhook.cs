using System.Net.Http.Headers;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>One bad request to one webhook endpoint, and the answer it must get.</summary>
internal sealed record BadWebhook(string InstanceId, string Kind, byte[] Body, string? ContentType, int ExpectedStatus)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Sent without Content-Length (chunked), so the hub finds out the size only while reading.</summary>
    public bool Chunked { get; init; }

    public HttpRequestMessage ToRequest()
    {
        HttpContent content = Chunked ? new StreamContent(new MemoryStream(Body)) : new ByteArrayContent(Body);
        if (ContentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{InstanceId}", UriKind.Relative)) { Content = content };
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

    public override string ToString() => $"{InstanceId} {Kind} ({Body.Length} bytes, {ContentType ?? "no content type"})";
}
