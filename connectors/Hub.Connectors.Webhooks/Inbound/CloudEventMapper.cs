using System.Globalization;
using System.Text.Json;
using Hub.Contracts.CloudEvents;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>
/// The hub's own touchpoint as a CloudEvent in structured JSON (one object, or an array in batched
/// mode) or in binary mode (attributes as <c>ce-</c> headers, the body is <c>data</c>): <c>type</c> must be
/// <see cref="TouchpointCloudEvent.EventType"/>; <c>source</c> + <c>id</c> identify the event; <c>time</c> is when
/// it happened; <c>data</c> is a <see cref="TouchpointCloudEventData"/>.
/// </summary>
internal static class CloudEventMapper
{
    public const string BatchMediaType = "application/cloudevents-batch+json";

    /// <summary>The attributes read from <c>ce-</c> headers in binary mode.</summary>
    public static readonly IReadOnlyList<string> BinaryAttributes = ["specversion", "id", "source", "type", "time"];

    /// <summary>A CloudEvent (or a batch of them) sent as plain application/json.</summary>
    public static bool LooksLikeCloudEvent(JsonElement root) => root.ValueKind switch
    {
        JsonValueKind.Object => root.TryGetProperty("specversion", out _),
        JsonValueKind.Array => root.GetArrayLength() > 0 && root[0].ValueKind == JsonValueKind.Object && root[0].TryGetProperty("specversion", out _),
        _ => false,
    };

    /// <summary>Binary mode, as the HTTP binding tells it: no CloudEvents media type, a <c>ce-specversion</c> header.</summary>
    public static bool IsBinaryMode(InboundWebhookRequest request) => request.Header("ce-specversion") is not null;

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
            var (draft, problem) = events[i].ValueKind == JsonValueKind.Object
                ? MapEvent(Structured(events[i]), context, where)
                : (null, $"{where} must be a JSON object.");
            if (problem is not null)
            {
                return MappingResult.Fail(problem);
            }
            drafts.Add(draft!);
        }
        return MappingResult.Ok(drafts);
    }

    /// <summary>One event in binary mode: its attributes in <c>ce-</c> headers, its data the (JSON) body.</summary>
    public static MappingResult MapBinary(InboundWebhookRequest request, JsonElement body, MappingContext context)
    {
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in BinaryAttributes)
        {
            if (request.Header($"ce-{name}") is not { } raw)
            {
                continue;
            }
            if (CloudEventHeader.Decode(raw) is not { } value)
            {
                return MappingResult.Fail($"The header ce-{name} is not a percent-encoded UTF-8 string, as the CloudEvents HTTP binding requires.");
            }
            attributes[name] = value.Length > 0 ? value : null;
        }
        var binary = new EventAttributes(
            attributes.GetValueOrDefault("specversion"), attributes.GetValueOrDefault("id"), attributes.GetValueOrDefault("source"),
            attributes.GetValueOrDefault("type"), attributes.GetValueOrDefault("time"), body, HasDataBase64: false,
            Named: name => name == "data" ? "the body (the event's data)" : $"the header ce-{name}");
        var (draft, problem) = MapEvent(binary, context, "the event");
        return problem is null ? MappingResult.Ok([draft!]) : MappingResult.Fail(problem);
    }

    private static EventAttributes Structured(JsonElement ce) => new(
        SegmentMapper.Text(ce, "specversion"), SegmentMapper.Text(ce, "id"), SegmentMapper.Text(ce, "source"),
        SegmentMapper.Text(ce, "type"), SegmentMapper.Text(ce, "time"),
        ce.TryGetProperty("data", out var data) ? data : null, ce.TryGetProperty("data_base64", out _),
        Named: name => $"'{name}'");

    private static (TouchpointDraft?, string?) MapEvent(EventAttributes ce, MappingContext context, string where)
    {
        if (ce.SpecVersion != "1.0")
        {
            return (null, $"{where}: {ce.Named("specversion")} must be \"1.0\".");
        }
        if (ce.Id is not { } id || ce.Source is not { } source)
        {
            return (null, $"{where}: {ce.Named("id")} and {ce.Named("source")} are required.");
        }
        if (UriReference.Problem(source) is { } notUri)
        {
            return (null, $"{where}: {ce.Named("source")} must be a URI-reference (RFC 3986), as CloudEvents requires; {notUri}.");
        }
        if (ce.Type != TouchpointCloudEvent.EventType)
        {
            return (null, $"{where}: {ce.Named("type")} must be \"{TouchpointCloudEvent.EventType}\" (a touchpoint); other event types are not read.");
        }
        if (ce.Data is not { ValueKind: JsonValueKind.Object } dataElement)
        {
            return (null, $"{where}: {ce.Named("data")} must be a JSON object (a touchpoint){(ce.HasDataBase64 ? "; data_base64 is not read" : "")}.");
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
        if (ce.Time is { } time && !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out occurredAt))
        {
            return (null, $"{where}: {ce.Named("time")} is not an RFC 3339 timestamp.");
        }
        if (data.Identities?.Any(i => i is null || string.IsNullOrWhiteSpace(i.Type) || string.IsNullOrWhiteSpace(i.Value)) == true)
        {
            return (null, $"{where}: every entry of 'data.identities' needs a 'type' and a 'value'.");
        }
        var facts = new Dictionary<string, string>(data.Profile ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (ProfileFacts.ConsentProblem(facts, name => $"'data.profile' fact '{name}'") is { } consent)
        {
            return (null, $"{where}: {consent}");
        }
        // A source holds no space (a URI-reference), so the first space ends it and no two events share a key.
        var sourceEventId = $"{source} {id}";
        if (sourceEventId.Length > 200)
        {
            return (null, $"{where}: {ce.Named("source")} and {ce.Named("id")} together are longer than 200 characters.");
        }
        return (new TouchpointDraft
        {
            SourceEventId = sourceEventId,
            Channel = channel,
            Type = type,
            OccurredAt = occurredAt,
            Direction = direction,
            Identities = data.Identities ?? [],
            ProfileFacts = facts,
            Summary = data.Summary,
            ContentReference = data.ContentReference,
        }, null);
    }

    /// <summary>The attributes the mapper reads, wherever the mode put them; <paramref name="Named"/> says where, for problems.</summary>
    private sealed record EventAttributes(
        string? SpecVersion, string? Id, string? Source, string? Type, string? Time, JsonElement? Data, bool HasDataBase64, Func<string, string> Named);
}
