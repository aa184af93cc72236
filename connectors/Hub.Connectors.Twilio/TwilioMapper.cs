using System.Globalization;
using Hub.Connectors.Twilio.Inbound;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twilio;

/// <summary>
/// Twilio webhooks to touchpoints, told apart by their parameters: <c>RecordingSid</c> + <c>RecordingStatus</c>
/// is a recording callback, <c>CallSid</c> + <c>CallStatus</c> a voice webhook or call status callback,
/// <c>MessageSid</c> an incoming message (or, with <c>MessageStatus</c>, an outbound message's status, which
/// brings no touchpoint). The customer is the remote party: <c>From</c> of inbound calls and texts, <c>To</c>
/// of calls the hub's side placed. Source event ids are <c>CallSid:status</c>, <c>RecordingSid:status</c>
/// and <c>MessageSid</c>, so Twilio's retries land on the same touchpoints.
/// </summary>
internal static class TwilioMapper
{
    public static MappedWebhook Map(FormBody form, DateTimeOffset receivedAt)
    {
        if (form["RecordingSid"] is { } recordingSid && form["RecordingStatus"] is { } recordingStatus)
        {
            return MappedWebhook.Of(CallMapper.Recording(form, recordingSid, recordingStatus, receivedAt));
        }
        if (form["CallSid"] is { } callSid && form["CallStatus"] is { } callStatus)
        {
            return MappedWebhook.Of(CallMapper.Call(form, callSid, callStatus, receivedAt));
        }
        if (form["MessageSid"] is { } messageSid)
        {
            return form["MessageStatus"] is not null && form["SmsStatus"] is not "received"
                ? MappedWebhook.Of(null)
                : MappedWebhook.Of(MessageMapper.Received(form, messageSid, receivedAt));
        }
        return MappedWebhook.Fail("Not a Twilio voice, status, recording or messaging webhook: it has neither CallSid and CallStatus, RecordingSid and RecordingStatus, nor MessageSid.");
    }

    /// <summary>The customer's number: a phone identifier unless the party is a Voice SDK client or SIP address.</summary>
    internal static IReadOnlyList<CustomerIdentifier> Party(string? address)
    {
        if (address is null || address.StartsWith("client:", StringComparison.OrdinalIgnoreCase) || address.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }
        var colon = address.IndexOf(':', StringComparison.Ordinal);
        return [CustomerIdentifier.Phone(colon >= 0 ? address[(colon + 1)..] : address)];
    }

    /// <summary>Twilio's <c>Timestamp</c> (RFC 2822, UTC) when it sent one, else when the hub received the webhook.</summary>
    internal static DateTimeOffset OccurredAt(FormBody form, string parameter, DateTimeOffset receivedAt) =>
        form[parameter] is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : receivedAt;
}

/// <summary>The touchpoints of one webhook (none for events that record nothing), or the problem with it.</summary>
internal sealed record MappedWebhook(IReadOnlyList<TouchpointDraft> Touchpoints, string? Problem)
{
    public static MappedWebhook Of(TouchpointDraft? touchpoint) => new(touchpoint is null ? [] : [touchpoint], null);

    public static MappedWebhook Fail(string problem) => new([], problem);
}
