using System.Text.Json.Serialization;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Contracts.CloudEvents;

/// <summary>The <c>data</c> member of a touchpoint CloudEvent (<c>type: io.hub.touchpoint</c>).</summary>
public sealed record TouchpointCloudEventData
{
    /// <summary>One of <see cref="TouchpointChannels"/>.</summary>
    [JsonPropertyName("channel")]
    public string? Channel { get; init; }

    /// <summary>The touchpoint type, such as <c>crm.contact.updated</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary><c>inbound</c>, <c>outbound</c> or <c>none</c>.</summary>
    [JsonPropertyName("direction")]
    public string? Direction { get; init; }

    /// <summary>Identities seen, each <c>{"type": "email", "value": "..."}</c>.</summary>
    [JsonPropertyName("identities")]
    public IReadOnlyList<CustomerIdentifier>? Identities { get; init; }

    /// <summary>Profile facts.</summary>
    [JsonPropertyName("profile")]
    public IReadOnlyDictionary<string, string>? Profile { get; init; }

    /// <summary>A short summary.</summary>
    [JsonPropertyName("summary")]
    public string? Summary { get; init; }

    /// <summary>Where the full content lives.</summary>
    [JsonPropertyName("contentReference")]
    public string? ContentReference { get; init; }

    /// <summary>The id the source system gave the event (set by the hub when it emits the event).</summary>
    [JsonPropertyName("sourceEventId")]
    public string? SourceEventId { get; init; }

    /// <summary>The connector instance it arrived through (set by the hub when it emits the event).</summary>
    [JsonPropertyName("connectorInstanceId")]
    public string? ConnectorInstanceId { get; init; }
}
