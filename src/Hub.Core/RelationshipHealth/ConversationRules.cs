using Hub.Contracts.Touchpoints;

namespace Hub.Core.RelationshipHealth;

/// <summary>
/// What a touchpoint means for the relationship, from its channel, type and direction alone (no text is read):
/// a contact is any touchpoint with a direction, except an outbound message that never went out (blocked, failed,
/// or with an unknown outcome) and the steps of a call before or beside its outcome (a call is one contact, when it
/// ends: completed or missed); on a conversational channel an inbound message asks for a reply and an outbound
/// message that went out gives one; a <c>crm.case.*</c> touchpoint belongs to a case, the hub's record of a
/// complaint, open until its latest touchpoint closes or deletes it.
/// </summary>
public static class ConversationRules
{
    public const string CasePrefix = "crm.case.";

    private const string MissedCall = "call.missed";

    private static readonly HashSet<string> CaseEndings = new(StringComparer.Ordinal) { "crm.case.closed", "crm.case.deleted" };

    private static readonly HashSet<string> MessageChannels = new(StringComparer.Ordinal)
    {
        TouchpointChannels.Sms, TouchpointChannels.Email, TouchpointChannels.Social,
    };

    /// <summary>
    /// Inbound touchpoints on a message channel that expect no answer: reactions, follows, keywords the provider answers
    /// itself (opt-out, opt-in, help), an e-mail unsubscribe, an automatic reply (out of office) and a mailing-list message.
    /// </summary>
    private static readonly HashSet<string> NotMessages = new(StringComparer.Ordinal)
    {
        "social.like", "social.follow", "social.unfollow", "social.retweet", "sms.opt_out", "sms.opt_in", "sms.help",
        "email.unsubscribe", "email.auto_reply", "email.list",
    };

    private const string CallPrefix = "call.";

    /// <summary>
    /// The outcomes of a call: answered and ended, or not answered (busy, no answer, failed, canceled). Every other
    /// <c>call.*</c> type (<c>call.started</c> while it rings, <c>call.recorded</c>, ...) is a step of a call that its
    /// outcome already counts, or will.
    /// </summary>
    private static readonly HashSet<string> CallOutcomes = new(StringComparer.Ordinal) { "call.completed", MissedCall };

    /// <summary>
    /// How the hub records an outbound message that did not (or may not have) reached the customer, on every channel
    /// (<c>sms.blocked</c>, <c>social.failed</c>, <c>email.unconfirmed</c>, ...): the company tried, the customer heard nothing.
    /// </summary>
    private static readonly string[] NotSentEndings = [".blocked", ".failed", ".unconfirmed"];

    public static bool IsContact(HealthTouchpoint touchpoint) =>
        touchpoint.Direction != TouchpointDirection.None && !IsNotSent(touchpoint.Type, touchpoint.Direction) && !IsCallStep(touchpoint.Type);

    /// <summary>A <c>call.*</c> touchpoint that is not the call's outcome: not a contact, so a call counts once.</summary>
    public static bool IsCallStep(string type) => type.StartsWith(CallPrefix, StringComparison.Ordinal) && !CallOutcomes.Contains(type);

    /// <summary>An outbound message the customer did not get for sure: neither a contact nor a reply.</summary>
    public static bool IsNotSent(string type, TouchpointDirection direction) =>
        direction == TouchpointDirection.Outbound && NotSentEndings.Any(ending => type.EndsWith(ending, StringComparison.Ordinal));

    public static bool IsCase(HealthTouchpoint touchpoint) => touchpoint.Type.StartsWith(CasePrefix, StringComparison.Ordinal);

    public static bool EndsCase(string type) => CaseEndings.Contains(type);

    /// <summary>
    /// The touchpoint that decides whether a case is open: the latest by when it happened; at the same instant a
    /// closing or deleting one wins, then the type, so the answer never depends on the order they arrived in.
    /// Every view of open cases (the health, the context's open issues, the caller routing) decides with this.
    /// </summary>
    public static T LatestOfCase<T>(IEnumerable<T> touchpoints, Func<T, DateTimeOffset> occurredAt, Func<T, string> type) =>
        touchpoints.MaxBy(t => (occurredAt(t).UtcTicks, EndsCase(type(t)), type(t)), CaseOrder.Instance)
        ?? throw new ArgumentException("A case has at least one touchpoint.", nameof(touchpoints));

    public static ConversationTurn? TurnOf(HealthTouchpoint touchpoint)
    {
        var (channel, type, direction) = (touchpoint.Channel, touchpoint.Type, touchpoint.Direction);
        if (!IsContact(touchpoint))
        {
            return null;
        }
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

    /// <summary>Later wins; at the same instant an ending wins; then the type, so the latest is one whatever the order.</summary>
    internal sealed class CaseOrder : IComparer<(long Ticks, bool Ends, string Type)>
    {
        public static CaseOrder Instance { get; } = new();

        public int Compare((long Ticks, bool Ends, string Type) x, (long Ticks, bool Ends, string Type) y)
        {
            var byTime = x.Ticks.CompareTo(y.Ticks);
            if (byTime != 0)
            {
                return byTime;
            }
            var byEnding = x.Ends.CompareTo(y.Ends);
            return byEnding != 0 ? byEnding : string.CompareOrdinal(x.Type, y.Type);
        }
    }
}

/// <summary>A touchpoint's part in a conversation. At the same instant a reply sorts first: it cannot answer what came with it.</summary>
public enum ConversationTurn
{
    Reply = 0,
    Request = 1,
}
