using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Contracts.Touchpoints;

namespace Hub.Contracts.CloudEvents;

/// <summary>
/// The CloudEvents 1.0 envelope of a touchpoint (structured JSON mode), so that outside consumers can read
/// it with any CloudEvents SDK: <c>id</c> is the touchpoint id, <c>source</c> the connector instance
/// (<c>urn:hub:connector:&lt;id&gt;</c>), <c>type</c> <see cref="EventType"/>, <c>time</c> when it happened,
/// <c>subject</c> the touchpoint type, <c>data</c> a <see cref="TouchpointCloudEventData"/>.
/// </summary>
public static class TouchpointCloudEvent
{
    /// <summary>The CloudEvent <c>type</c> of a touchpoint.</summary>
    public const string EventType = "io.hub.touchpoint";

    /// <summary>The media type of a structured-mode CloudEvent in JSON.</summary>
    public const string StructuredMediaType = "application/cloudevents+json";

    /// <summary>The prefix of every connector instance's CloudEvent <c>source</c>.</summary>
    public const string SourcePrefix = "urn:hub:connector:";

    /// <summary>The structured-mode JSON of a touchpoint.</summary>
    public static JsonObject ToStructuredJson(TouchpointReceived touchpoint)
    {
        ArgumentNullException.ThrowIfNull(touchpoint);
        var data = new TouchpointCloudEventData
        {
            Channel = touchpoint.Channel,
            Type = touchpoint.Type,
            Direction = touchpoint.Direction.ToString().ToLowerInvariant(),
            Identities = touchpoint.Identities,
            Profile = touchpoint.ProfileFacts,
            Summary = touchpoint.Summary,
            ContentReference = touchpoint.ContentReference,
            SourceEventId = touchpoint.SourceEventId,
            ConnectorInstanceId = touchpoint.ConnectorInstanceId,
        };
        return new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = touchpoint.TouchpointId.ToString(),
            ["source"] = SourcePrefix + touchpoint.ConnectorInstanceId,
            ["type"] = EventType,
            ["subject"] = touchpoint.Type,
            ["time"] = touchpoint.OccurredAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json",
            ["data"] = JsonSerializer.SerializeToNode(data, JsonSerializerOptions.Web),
        };
    }
}
