using System.Globalization;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twilio.Inbound;

/// <summary>Voice webhooks and call status callbacks to <c>call.*</c> touchpoints on the phone channel.</summary>
internal static class CallMapper
{
    /// <summary>Progress events that bring nothing new: the call is recorded when it rings and when it ends.</summary>
    private static readonly HashSet<string> Silent = new(StringComparer.Ordinal) { "queued", "initiated", "in-progress" };

    public static TouchpointDraft? Call(FormBody form, string callSid, string status, DateTimeOffset receivedAt)
    {
        if (Silent.Contains(status))
        {
            return null;
        }
        var outbound = form["Direction"] is { } direction && direction.StartsWith("outbound", StringComparison.Ordinal);
        // With answering machine detection on, Twilio reports a call that reached voicemail or a fax as completed.
        var machine = outbound && form["AnsweredBy"] is { } answeredBy
            && (answeredBy.StartsWith("machine", StringComparison.Ordinal) || answeredBy == "fax");
        var (type, summary) = status switch
        {
            "completed" when machine => ("call.missed", $"Missed call (answered by {(form["AnsweredBy"] == "fax" ? "a fax" : "voicemail")})"),
            "ringing" => ("call.started", outbound ? "Outgoing call" : "Incoming call"),
            "completed" => ("call.completed", $"{(outbound ? "Outgoing" : "Incoming")} call, {Seconds(form["CallDuration"])}"),
            "busy" => ("call.missed", "Missed call (busy)"),
            "no-answer" => ("call.missed", "Missed call (no answer)"),
            "failed" => ("call.missed", "Missed call (failed)"),
            "canceled" => ("call.missed", "Missed call (canceled)"),
            _ => ($"call.{status}", $"Call {status}"),
        };
        return new TouchpointDraft
        {
            SourceEventId = $"{callSid}:{status}",
            Channel = TouchpointChannels.Phone,
            Type = type,
            OccurredAt = TwilioMapper.OccurredAt(form, "Timestamp", receivedAt),
            Direction = outbound ? TouchpointDirection.Outbound : TouchpointDirection.Inbound,
            Identities = TwilioMapper.Party(outbound ? form["To"] : form["From"]),
            Summary = summary,
            ContentReference = form["RecordingUrl"],
        };
    }

    /// <summary>
    /// A recording callback names only the call: it lands on the customer when the callback URL or the call's
    /// parameters carry From/To, and on the timeline unattached otherwise.
    /// </summary>
    public static TouchpointDraft? Recording(FormBody form, string recordingSid, string status, DateTimeOffset receivedAt)
    {
        if (status != "completed")
        {
            return null;
        }
        var outbound = form["Direction"] is { } direction && direction.StartsWith("outbound", StringComparison.Ordinal);
        return new TouchpointDraft
        {
            SourceEventId = $"{recordingSid}:{status}",
            Channel = TouchpointChannels.Phone,
            Type = "call.recorded",
            OccurredAt = TwilioMapper.OccurredAt(form, "RecordingStartTime", receivedAt),
            Direction = outbound ? TouchpointDirection.Outbound : TouchpointDirection.Inbound,
            Identities = TwilioMapper.Party(outbound ? form["To"] : form["From"]),
            Summary = $"Call recorded, {Seconds(form["RecordingDuration"])} (call {form["CallSid"]})",
            ContentReference = form["RecordingUrl"],
        };
    }

    private static string Seconds(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? $"{seconds} s" : "duration unknown";
}
