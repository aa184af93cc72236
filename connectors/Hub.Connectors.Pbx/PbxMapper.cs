using System.Globalization;
using System.Text.Json;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Pbx;

/// <summary>
/// One call record (docs/connectors/pbx.md) to a touchpoint, the way Twilio's calls map: answered →
/// <c>call.completed</c>; busy, no-answer, failed, canceled → <c>call.missed</c>; on the remote party
/// (<c>from</c> of inbound calls, <c>to</c> of outbound ones); <c>callId</c> is the source event id.
/// </summary>
internal static class PbxMapper
{
    private const int MaxIdLength = 200;
    private const string TimeFormat = "an ISO 8601 date and time with its offset (2026-03-03T09:15:02Z); local times without one are refused";

    private static readonly HashSet<string> Fields =
        ["callId", "direction", "from", "to", "startedAt", "answeredAt", "endedAt", "talkSeconds", "outcome", "recordingUrl"];

    private static readonly Dictionary<string, (string Type, string Summary)> Outcomes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["answered"] = ("call.completed", "call"),
        ["busy"] = ("call.missed", "Missed call (busy)"),
        ["no-answer"] = ("call.missed", "Missed call (no answer)"),
        ["failed"] = ("call.missed", "Missed call (failed)"),
        ["canceled"] = ("call.missed", "Missed call (canceled)"),
    };

    public static (TouchpointDraft? Touchpoint, string? Problem) Map(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            return (null, "a call record must be a JSON object.");
        }
        foreach (var field in record.EnumerateObject())
        {
            if (Fields.Contains(field.Name) && field.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
            {
                return (null, $"'{field.Name}' must be a string or a number, not {field.Value.ValueKind.ToString().ToLowerInvariant()}.");
            }
        }
        var callId = Text(record, "callId");
        if (callId is null || callId.Length > MaxIdLength)
        {
            return (null, $"'callId' is required (at most {MaxIdLength} characters): the PBX's id of the call (Asterisk linkedid, FreeSWITCH call_uuid).");
        }
        var direction = Text(record, "direction")?.ToLowerInvariant();
        if (direction is not ("inbound" or "outbound"))
        {
            return (null, "'direction' must be inbound or outbound.");
        }
        var outcome = Text(record, "outcome");
        if (outcome is null || !Outcomes.TryGetValue(outcome, out var mapped))
        {
            return (null, $"'outcome' must be one of {string.Join(", ", Outcomes.Keys)}.");
        }
        var party = direction == "inbound" ? Text(record, "from") : Text(record, "to");
        if (party is null)
        {
            return (null, $"'{(direction == "inbound" ? "from" : "to")}' (the customer's number) is required.");
        }
        if (!Time(record, "startedAt", out var startedAt) || startedAt is null)
        {
            return (null, $"'startedAt' is required and must be {TimeFormat}.");
        }
        if (!Time(record, "answeredAt", out _))
        {
            return (null, $"'answeredAt' must be {TimeFormat}.");
        }
        if (!Time(record, "endedAt", out var endedAt))
        {
            return (null, $"'endedAt' must be {TimeFormat}.");
        }
        if (!Seconds(record, "talkSeconds", out var talkSeconds))
        {
            return (null, "'talkSeconds' must be a whole number of seconds, as a number (182) or a string of digits (\"182\").");
        }
        var outbound = direction == "outbound";
        var summary = mapped.Type == "call.completed"
            ? $"{(outbound ? "Outgoing" : "Incoming")} call, {(talkSeconds is { } s ? $"{s} s" : "duration unknown")}"
            : mapped.Summary;
        return (new TouchpointDraft
        {
            SourceEventId = callId,
            Channel = TouchpointChannels.Phone,
            Type = mapped.Type,
            OccurredAt = endedAt ?? startedAt.Value,
            Direction = outbound ? TouchpointDirection.Outbound : TouchpointDirection.Inbound,
            Identities = [CustomerIdentifier.Phone(party)],
            Summary = summary,
            ContentReference = Text(record, "recordingUrl"),
        }, null);
    }

    /// <summary>True when absent or a date and time with its offset (RFC 3339 allows a lowercase t and z).</summary>
    private static bool Time(JsonElement record, string name, out DateTimeOffset? at)
    {
        at = null;
        if (Text(record, name)?.ToUpperInvariant() is not { } text)
        {
            return true;
        }
        // A PBX's local time without an offset (Asterisk's "2026-03-03 09:15:02") would be read in the hub's zone: refused.
        var hasOffset = text.EndsWith('Z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        if (hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            at = parsed;
            return true;
        }
        return false;
    }

    /// <summary>
    /// True when absent or whole seconds; FreeSWITCH's mod_json_cdr writes <c>billsec</c> as a string, so digits in a
    /// string count too.
    /// </summary>
    private static bool Seconds(JsonElement record, string name, out int? seconds)
    {
        seconds = null;
        if (Text(record, name) is not { } text)
        {
            return true;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            seconds = parsed;
            return true;
        }
        return false;
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String when value.GetString() is { Length: > 0 } s => s,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
