using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Hub.Contracts.CloudEvents;
using Hub.Contracts.Consent;
using Hub.Contracts.Touchpoints;

namespace Hub.Server.RemoteConnectors.ConnectorApi;

/// <summary>
/// Reads a CloudEvents batch (JSON array of structured events) of touchpoints into drafts, all or none: the first
/// problem fails the whole batch. Each event: <c>type</c> <see cref="TouchpointCloudEvent.EventType"/>, <c>source</c>
/// and <c>id</c> (together the source event id, so a re-sent event is the same touchpoint), <c>time</c> when it
/// happened, <c>data</c> a <see cref="TouchpointCloudEventData"/>.
/// </summary>
internal static class TouchpointBatchReader
{
    public const int MaxEvents = 500;
    private const int MaxSourceEventIdLength = 200;
    private static readonly JsonEventFormatter Formatter = new();

    public static (IReadOnlyList<TouchpointDraft> Drafts, string? Problem) Read(ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            return ([], "The body is not valid UTF-8, which JSON must be.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            return ([], $"The body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return ([], "A CloudEvents batch is a JSON array of events.");
            }
            var count = document.RootElement.GetArrayLength();
            if (count is 0 or > MaxEvents)
            {
                return ([], $"A batch holds 1 to {MaxEvents} events (got {count}).");
            }
            var drafts = new List<TouchpointDraft>(count);
            // Two events with one source and id would be one touchpoint: the second would vanish behind a 202 that counted it.
            var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var (draft, problem) = ReadEvent(element, receivedAt, $"event [{index}]");
                if (problem is not null)
                {
                    return ([], problem);
                }
                if (!firstIndexOf.TryAdd(draft!.SourceEventId, index))
                {
                    return ([], $"event [{index}]: 'id' repeats event [{firstIndexOf[draft.SourceEventId]}] (source and id \"{draft.SourceEventId}\"); every event of a batch needs its own id.");
                }
                drafts.Add(draft);
                index++;
            }
            return (drafts, null);
        }
    }

    private static (TouchpointDraft?, string?) ReadEvent(JsonElement element, DateTimeOffset receivedAt, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, $"{where} must be a JSON object.");
        }
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.ConvertFromJsonElement(element, null);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return (null, $"{where} is not a valid CloudEvent: {e.Message}");
        }
        if (cloudEvent.Type != TouchpointCloudEvent.EventType)
        {
            return (null, $"{where}: 'type' must be \"{TouchpointCloudEvent.EventType}\" (a touchpoint).");
        }
        if (cloudEvent.Data is not JsonElement { ValueKind: JsonValueKind.Object } dataElement)
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
            return (null, $"{where}: 'data.type' (the touchpoint type, such as ticket.opened) is required.");
        }
        if (data.Channel is not { } channel || !TouchpointChannels.All.Contains(channel))
        {
            return (null, $"{where}: 'data.channel' must be one of {string.Join(", ", TouchpointChannels.All)}.");
        }
        if (DirectionNamed(data.Direction ?? "none") is not { } direction)
        {
            return (null, $"{where}: 'data.direction' must be inbound, outbound or none (lower case).");
        }
        if (data.Identities is not { Count: > 0 } identities || identities.Any(i => i is null || string.IsNullOrWhiteSpace(i.Type) || string.IsNullOrWhiteSpace(i.Value)))
        {
            return (null, $"{where}: 'data.identities' needs at least one entry, each with a 'type' and a 'value'.");
        }
        var sourceEventId = $"{cloudEvent.Source} {cloudEvent.Id}";
        if (sourceEventId.Length > MaxSourceEventIdLength)
        {
            return (null, $"{where}: 'source' and 'id' together are longer than {MaxSourceEventIdLength} characters.");
        }
        var profile = data.Profile is null ? new Dictionary<string, string>() : new Dictionary<string, string>(data.Profile, StringComparer.Ordinal);
        foreach (var (fact, value) in profile.Where(f => ConsentFacts.IsConsent(f.Key)).ToList())
        {
            if (ConsentFacts.StatementProblem(fact, value, out var status) is { } problem)
            {
                return (null, $"{where}: 'data.profile' fact '{fact}' {problem}");
            }
            profile[fact] = status!;
        }
        return (new TouchpointDraft
        {
            SourceEventId = sourceEventId,
            Channel = channel,
            Type = type,
            OccurredAt = cloudEvent.Time ?? receivedAt,
            Direction = direction,
            Identities = identities,
            ProfileFacts = profile,
            Summary = data.Summary,
            ContentReference = data.ContentReference,
        }, null);
    }

    /// <summary>Only the documented names, in lower case like the channels (Enum.TryParse would take "1" or "Inbound, Outbound").</summary>
    private static TouchpointDirection? DirectionNamed(string name) => name switch
    {
        "none" => TouchpointDirection.None,
        "inbound" => TouchpointDirection.Inbound,
        "outbound" => TouchpointDirection.Outbound,
        _ => null,
    };
}
