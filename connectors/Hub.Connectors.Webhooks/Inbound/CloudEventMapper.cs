using System.Globalization;
using System.Text.Json;
using Hub.Contracts.CloudEvents;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>
/// The hub's own touchpoint as a CloudEvent in structured JSON (one object, or an array in batched
/// mode): <c>type</c> must be <see cref="TouchpointCloudEvent.EventType"/>; <c>source</c> + <c>id</c>
/// identify the event; <c>time</c> is when it happened; <c>data</c> is a <see cref="TouchpointCloudEventData"/>.
/// </summary>
internal static class CloudEventMapper
{
    /// <summary>A CloudEvent (or a batch of them) sent as plain application/json.</summary>
    public static bool LooksLikeCloudEvent(JsonElement root) => root.ValueKind switch
    {
        JsonValueKind.Object => root.TryGetProperty("specversion", out _),
        JsonValueKind.Array => root.GetArrayLength() > 0 && root[0].ValueKind == JsonValueKind.Object && root[0].TryGetProperty("specversion", out _),
        _ => false,
    };

    public static MappingResult Map(JsonElement root, MappingContext context)
    {
        var events = root.ValueKind switch
        {
            JsonValueKind.Array => [.. root.EnumerateArray()],
            JsonValueKind.Object => new List<JsonElement> { root },
            _ => null,
        };
        if (events is null)
        {
            return MappingResult.Fail("A CloudEvents body must be one JSON object or, in batched mode, an array of them.");
        }
        var drafts = new List<TouchpointDraft>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var where = root.ValueKind == JsonValueKind.Array ? $"event [{i}]" : "the event";
            var (draft, problem) = MapEvent(events[i], context, where);
            if (problem is not null)
            {
                return MappingResult.Fail(problem);
            }
            drafts.Add(draft!);
        }
        return MappingResult.Ok(drafts);
    }

    private static (TouchpointDraft?, string?) MapEvent(JsonElement ce, MappingContext context, string where)
    {
        if (ce.ValueKind != JsonValueKind.Object)
        {
            return (null, $"{where} must be a JSON object.");
        }
        if (SegmentMapper.Text(ce, "specversion") != "1.0")
        {
            return (null, $"{where}: 'specversion' must be \"1.0\".");
        }
        var id = SegmentMapper.Text(ce, "id");
        var source = SegmentMapper.Text(ce, "source");
        if (id is null || source is null)
        {
            return (null, $"{where}: 'id' and 'source' are required.");
        }
        if (SegmentMapper.Text(ce, "type") != TouchpointCloudEvent.EventType)
        {
            return (null, $"{where}: 'type' must be \"{TouchpointCloudEvent.EventType}\" (a touchpoint); other event types are not read.");
        }
        if (!ce.TryGetProperty("data", out var dataElement) || dataElement.ValueKind != JsonValueKind.Object)
        {
            return (null, $"{where}: 'data' must be a JSON object (a touchpoint); data_base64 is not read.");
        }
        TouchpointCloudEventData? data;
        try
        {
            data = dataElement.Deserialize<TouchpointCloudEventData>(JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            return (null, $"{where}: 'data' is not a touchpoint: {e.Message}");
        }
        if (data?.Type is not { Length: > 0 } type)
        {
            return (null, $"{where}: 'data.type' (the touchpoint type, such as crm.contact.updated) is required.");
        }
        var channel = data.Channel ?? context.Channel;
        if (!TouchpointChannels.All.Contains(channel))
        {
            return (null, $"{where}: 'data.channel' must be one of {string.Join(", ", TouchpointChannels.All)}.");
        }
        if (!Enum.TryParse<TouchpointDirection>(data.Direction ?? "none", ignoreCase: true, out var direction) || !Enum.IsDefined(direction))
        {
            return (null, $"{where}: 'data.direction' must be inbound, outbound or none.");
        }
        var occurredAt = context.ReceivedAt;
        if (SegmentMapper.Text(ce, "time") is { } time && !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out occurredAt))
        {
            return (null, $"{where}: 'time' is not an RFC 3339 timestamp.");
        }
        if (data.Identities?.Any(i => i is null || string.IsNullOrWhiteSpace(i.Type) || string.IsNullOrWhiteSpace(i.Value)) == true)
        {
            return (null, $"{where}: every entry of 'data.identities' needs a 'type' and a 'value'.");
        }
        var sourceEventId = $"{source} {id}";
        if (sourceEventId.Length > 200)
        {
            return (null, $"{where}: 'source' and 'id' together are longer than 200 characters.");
        }
        return (new TouchpointDraft
        {
            SourceEventId = sourceEventId,
            Channel = channel,
            Type = type,
            OccurredAt = occurredAt,
            Direction = direction,
            Identities = data.Identities ?? [],
            ProfileFacts = data.Profile ?? new Dictionary<string, string>(),
            Summary = data.Summary,
            ContentReference = data.ContentReference,
        }, null);
    }
}
