using System.Globalization;
using System.Text.Json;
using Hub.Connectors.Salesforce.Records;

namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>
/// Reads change events relayed as JSON: the Streaming API (CometD) message <c>{"data": {"payload": ...}}</c>,
/// a bare payload with its <c>ChangeEventHeader</c>, or an array of either. One event per record id;
/// an UPDATE carries only the fields named in <c>changedFields</c>. Gap and overflow events hold no field
/// values and are skipped: re-read those records by hand.
/// </summary>
internal static class ChangeEventReader
{
    public static (IReadOnlyList<SalesforceEvent> Events, string? Problem) Read(JsonElement root, DateTimeOffset receivedAt)
    {
        var items = root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray()] : new List<JsonElement> { root };
        var events = new List<SalesforceEvent>();
        for (var i = 0; i < items.Count; i++)
        {
            var where = root.ValueKind == JsonValueKind.Array ? $"[{i}]" : "the event";
            var payload = Payload(items[i]);
            if (payload is not { } p || !p.TryGetProperty("ChangeEventHeader", out var header) || header.ValueKind != JsonValueKind.Object)
            {
                return ([], $"{where} has no payload with a ChangeEventHeader.");
            }
            var problem = ReadPayload(p, header, ReplayId(items[i]), receivedAt, events);
            if (problem is not null)
            {
                return ([], $"{where}: {problem}");
            }
        }
        return (events, null);
    }

    private static string? ReadPayload(JsonElement payload, JsonElement header, string? replayId, DateTimeOffset receivedAt, List<SalesforceEvent> events)
    {
        var entity = Text(header, "entityName");
        var changeType = Text(header, "changeType");
        if (entity is null || changeType is null)
        {
            return "the ChangeEventHeader needs entityName and changeType.";
        }
        if (changeType.StartsWith("GAP_", StringComparison.Ordinal))
        {
            return null;
        }
        ChangeKind? kind = changeType switch
        {
            "CREATE" => ChangeKind.Create,
            "UPDATE" => ChangeKind.Update,
            "DELETE" => ChangeKind.Delete,
            "UNDELETE" => ChangeKind.Undelete,
            _ => null,
        };
        if (kind is null)
        {
            return $"changeType '{changeType}' is not CREATE, UPDATE, DELETE, UNDELETE or a GAP_ event.";
        }
        var eventKey = Text(header, "transactionKey") is { } transaction
            ? $"{transaction}:{Text(header, "sequenceNumber") ?? "1"}"
            : replayId is not null ? $"replay:{replayId}" : null;
        if (eventKey is null)
        {
            return "the ChangeEventHeader needs a transactionKey (or the message a replayId).";
        }
        var fields = CompoundFields.Flatten(payload);
        if (kind == ChangeKind.Update && Strings(header, "changedFields") is { Count: > 0 } changed)
        {
            var names = changed.Select(CompoundFields.FlatName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            fields = fields.Where(f => names.Contains(f.Key)).ToDictionary(StringComparer.OrdinalIgnoreCase);
        }
        var occurredAt = header.TryGetProperty("commitTimestamp", out var commit) && commit.TryGetInt64(out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.TryParse(fields.GetValueOrDefault("LastModifiedDate"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified : receivedAt;
        foreach (var recordId in Strings(header, "recordIds") ?? [])
        {
            if (recordId.EndsWith('*'))
            {
                continue;
            }
            if (SalesforceId.Normalize(recordId) is not { } id)
            {
                return $"'{recordId}' in recordIds is not a Salesforce id.";
            }
            events.Add(new SalesforceEvent($"cdc:{eventKey}:{id}", entity, id, kind.Value, fields, occurredAt, Text(header, "changeOrigin"), SalesforceId.Normalize(Text(header, "commitUser"))));
        }
        return null;
    }

    private static JsonElement? Payload(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (item.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("payload", out var inData))
        {
            return inData;
        }
        return item.TryGetProperty("payload", out var payload) ? payload : item;
    }

    private static string? ReplayId(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.Object && e.TryGetProperty("replayId", out var replay)
            ? replay.GetRawText() : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static List<string>? Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : null;
}
