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
        if (!Time(record, "startedAt", out var startedAt) || !Time(record, "endedAt", out var endedAt))
        {
            return (null, "'startedAt' is required and, like 'endedAt', must be an ISO 8601 date and time with its offset.");
        }
        var outbound = direction == "outbound";
        var summary = mapped.Type == "call.completed"
            ? $"{(outbound ? "Outgoing" : "Incoming")} call, {(record.TryGetProperty("talkSeconds", out var talk) && talk.TryGetInt32(out var s) ? $"{s} s" : "duration unknown")}"
            : mapped.Summary;
        return (new TouchpointDraft
        {
            SourceEventId = callId,
            Channel = TouchpointChannels.Phone,
            Type = mapped.Type,
            OccurredAt = endedAt ?? startedAt!.Value,
            Direction = outbound ? TouchpointDirection.Outbound : TouchpointDirection.Inbound,
            Identities = [CustomerIdentifier.Phone(party)],
            Summary = summary,
            ContentReference = Text(record, "recordingUrl"),
        }, null);
    }

    private static bool Time(JsonElement record, string name, out DateTimeOffset? at)
    {
        at = null;
        if (Text(record, name) is not { } text)
        {
            return name != "startedAt";
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

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String when value.GetString() is { Length: > 0 } s => s,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
