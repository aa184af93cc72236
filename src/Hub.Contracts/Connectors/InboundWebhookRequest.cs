namespace Hub.Contracts.Connectors;

/// <summary>An inbound webhook exactly as it arrived: signatures are checked over these raw bytes.</summary>
public sealed record InboundWebhookRequest
{
    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The full URL the source called, as it sees it (some schemes sign it).</summary>
    public required Uri Url { get; init; }

    /// <summary>Request headers; names are case-insensitive; repeated headers are joined with a comma.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The Content-Type header, if any.</summary>
    public string? ContentType { get; init; }

    /// <summary>The raw body.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>When the hub received the request (from the host's clock).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>A header value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
