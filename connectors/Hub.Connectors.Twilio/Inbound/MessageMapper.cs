using System.Globalization;
using Hub.Contracts.Consent;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twilio.Inbound;

/// <summary>
/// Incoming SMS/MMS to <c>sms.received</c>; Twilio's opt-out and opt-in keywords (the whole body, any case,
/// or Advanced Opt-Out's <c>OptOutType</c>) to <c>sms.opt_out</c> / <c>sms.opt_in</c>, which also state the
/// customer's consent for the whole SMS channel (<c>consent.sms</c> denied / granted): after a STOP Twilio itself
/// refuses every text to that number from the account, whatever its purpose. A STOP is also the customer's
/// refusal of messages they did not ask for, so it denies marketing on every channel (<c>consent.*.marketing</c>);
/// START grants back both. A help keyword (<c>HELP</c>, <c>INFO</c>, or <c>OptOutType=HELP</c>) is <c>sms.help</c>:
/// Twilio answers it itself, so it asks the company for no reply, and it states no consent.
/// </summary>
internal static class MessageMapper
{
    private const int MaxSummaryLength = 160;

    private static readonly HashSet<string> OptOut = new(StringComparer.OrdinalIgnoreCase)
    {
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
    };

    private static readonly HashSet<string> OptIn = new(StringComparer.OrdinalIgnoreCase) { "START", "YES", "UNSTOP" };

    private static readonly HashSet<string> Help = new(StringComparer.OrdinalIgnoreCase) { "HELP", "INFO" };

    /// <summary>
    /// Whether Twilio answers this text itself: an opt-out, opt-in or help keyword (the whole body, any case, or
    /// Advanced Opt-Out's <c>OptOutType</c>, which also covers a service's own keywords): the hub's configured reply
    /// would come on top of Twilio's.
    /// </summary>
    public static bool TwilioAnswers(FormBody form)
    {
        var body = form["Body"]?.Trim() ?? "";
        return form["OptOutType"] is "STOP" or "START" or "HELP" || OptOut.Contains(body) || OptIn.Contains(body) || Help.Contains(body);
    }

    public static TouchpointDraft Received(FormBody form, string messageSid, DateTimeOffset receivedAt)
    {
        var body = form["Body"]?.Trim() ?? "";
        var type = form["OptOutType"] switch
        {
            "STOP" => "sms.opt_out",
            "START" => "sms.opt_in",
            "HELP" => "sms.help",
            _ when OptOut.Contains(body) => "sms.opt_out",
            _ when OptIn.Contains(body) => "sms.opt_in",
            _ when Help.Contains(body) => "sms.help",
            _ => "sms.received",
        };
        return new TouchpointDraft
        {
            SourceEventId = messageSid,
            Channel = TouchpointChannels.Sms,
            Type = type,
            OccurredAt = receivedAt,
            Direction = TouchpointDirection.Inbound,
            Identities = TwilioMapper.Party(form["From"]),
            ProfileFacts = Consent(type),
            Summary = Summary(body, form["NumMedia"]),
            ContentReference = form["MediaUrl0"],
        };
    }

    private static Dictionary<string, string> Consent(string type) => type switch
    {
        "sms.opt_out" => Both(ConsentFacts.Denied),
        "sms.opt_in" => Both(ConsentFacts.Granted),
        _ => [],
    };

    private static Dictionary<string, string> Both(string status) => new()
    {
        [ConsentFacts.For(TouchpointChannels.Sms)] = status,
        [ConsentFacts.For(ConsentFacts.AllChannels, ConsentFacts.MarketingPurpose)] = status,
    };

    private static string Summary(string body, string? numMedia)
    {
        var text = body.Length > MaxSummaryLength ? body[..MaxSummaryLength] + "…" : body;
        var media = int.TryParse(numMedia, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? $"[{count} media] "
            : "";
        return (media + text).Trim();
    }
}
