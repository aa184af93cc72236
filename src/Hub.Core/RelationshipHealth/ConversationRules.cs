using Hub.Contracts.Touchpoints;

namespace Hub.Core.RelationshipHealth;

/// <summary>
/// What a touchpoint means for the relationship, from its channel, type and direction alone (no text is read):
/// a contact is any touchpoint with a direction, except an outbound message that never went out (blocked, failed,
/// or with an unknown outcome); on a conversational channel an inbound message asks for a reply and an outbound
/// message that went out gives one; a <c>crm.case.*</c> touchpoint belongs to a case, the hub's record of a
/// complaint, open until its latest touchpoint closes or deletes it.
/// </summary>
public static class ConversationRules
{
    public const string CasePrefix = "crm.case.";

    private static readonly HashSet<string> CaseEndings = new(StringComparer.Ordinal) { "crm.case.closed", "crm.case.deleted" };

    private static readonly HashSet<string> MessageChannels = new(StringComparer.Ordinal)
    {
        TouchpointChannels.Sms, TouchpointChannels.Email, TouchpointChannels.Social,
    };

    /// <summary>
    /// Inbound touchpoints on a message channel that expect no answer: reactions, follows, consent keywords, an e-mail
    /// unsubscribe, an automatic reply (out of office) and a mailing-list message.
    /// </summary>
    private static readonly HashSet<string> NotMessages = new(StringComparer.Ordinal)
    {
        "social.like", "social.follow", "social.unfollow", "social.retweet", "sms.opt_out", "sms.opt_in",
        "email.unsubscribe", "email.auto_reply", "email.list",
    };

    /// <summary>
    /// How the hub records an outbound message that did not (or may not have) reached the customer, on every channel
    /// (<c>sms.blocked</c>, <c>social.failed</c>, <c>email.unconfirmed</c>, ...): the company tried, the customer heard nothing.
    /// </summary>
    private static readonly string[] NotSentEndings = [".blocked", ".failed", ".unconfirmed"];

    private const string MissedCall = "call.missed";

    public static bool IsContact(HealthTouchpoint touchpoint) =>
        touchpoint.Direction != TouchpointDirection.None && !IsNotSent(touchpoint.Type, touchpoint.Direction);

    /// <summary>An outbound message the customer did not get for sure: neither a contact nor a reply.</summary>
    public static bool IsNotSent(string type, TouchpointDirection direction) =>
        direction == TouchpointDirection.Outbound && NotSentEndings.Any(ending => type.EndsWith(ending, StringComparison.Ordinal));

    public static bool IsCase(HealthTouchpoint touchpoint) => touchpoint.Type.StartsWith(CasePrefix, StringComparison.Ordinal);

    public static bool EndsCase(string type) => CaseEndings.Contains(type);

    public static ConversationTurn? TurnOf(HealthTouchpoint touchpoint)
    {
        var (channel, type, direction) = (touchpoint.Channel, touchpoint.Type, touchpoint.Direction);
        if (channel == TouchpointChannels.Phone)
        {
            return direction switch
            {
                TouchpointDirection.Inbound when type == MissedCall => ConversationTurn.Request,
                TouchpointDirection.Outbound when type != MissedCall => ConversationTurn.Reply,
                _ => null,
            };
        }
        if (!MessageChannels.Contains(channel))
        {
            return null;
        }
        return direction switch
        {
            TouchpointDirection.Inbound when !NotMessages.Contains(type) => ConversationTurn.Request,
            TouchpointDirection.Outbound when !IsNotSent(type, direction) => ConversationTurn.Reply,
            _ => null,
        };
    }
}

/// <summary>A touchpoint's part in a conversation. At the same instant a reply sorts first: it cannot answer what came with it.</summary>
public enum ConversationTurn
{
    Reply = 0,
    Request = 1,
}
