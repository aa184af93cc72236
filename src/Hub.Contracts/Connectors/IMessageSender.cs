namespace Hub.Contracts.Connectors;

/// <summary>
/// A connector that can send a message to a customer on its channel (a text through Twilio). The host decides
/// whether the message may be sent at all (the customer's consent) before it calls <see cref="SendAsync"/>,
/// and records the outcome on the customer's timeline.
/// </summary>
public interface IMessageSender
{
    /// <summary>The channel the messages go out on (one of <c>TouchpointChannels</c>).</summary>
    string MessageChannel { get; }

    /// <summary>The identifier type a recipient is addressed by (<c>phone</c> for SMS, <c>twitter</c> for X).</summary>
    string RecipientType { get; }

    /// <summary>
    /// Why <paramref name="instance"/> cannot send at all (a setting it lacks), or null when it can. The host asks
    /// before anything else and then answers the caller 400: nothing is sent, nothing is recorded.
    /// </summary>
    string? SendingProblem(ConnectorInstance instance) => null;

    /// <summary>
    /// Sends one message. A refusal for good (an invalid number, a recipient who unsubscribed at the provider)
    /// is returned as not sent; a temporary one (rate limit, outage) is thrown as
    /// <see cref="SyncTargetUnavailableException"/> so the caller can try again later.
    /// </summary>
    ValueTask<MessageSendResult> SendAsync(OutboundMessage message, ConnectorInstance instance, CancellationToken cancellationToken);
}

/// <summary>One message to send.</summary>
/// <param name="To">The recipient's normalized identifier value of <see cref="IMessageSender.RecipientType"/> (an E.164 number, an X user id).</param>
/// <param name="Body">The text.</param>
/// <param name="ReplyTo">The provider's id of the message this answers (an X post to reply to in public), if any.</param>
public sealed record OutboundMessage(string To, string Body, string? ReplyTo = null);

/// <summary>The outcome of one send.</summary>
/// <param name="Sent">Whether the provider took the message.</param>
/// <param name="ExternalMessageId">The provider's id of the message (Twilio's message SID), when sent.</param>
/// <param name="ErrorCode">The provider's error code, when refused.</param>
/// <param name="Detail">What happened, for the caller and the operator.</param>
public sealed record MessageSendResult(bool Sent, string? ExternalMessageId, string? ErrorCode, string Detail)
{
    /// <summary>
    /// True when the provider refused because the recipient opted out there (Twilio's 21610 after a STOP): the
    /// host then records the opt-out on the customer, so later attempts are blocked before they leave the hub
    /// (once resolution has applied it, as with any touchpoint).
    /// </summary>
    public bool RecipientOptedOut { get; init; }

    /// <summary>
    /// The source event id under which the provider will report this message back to the hub (X echoes the
    /// account's own posts and DMs), so that the echo lands on the same touchpoint; null uses <see cref="ExternalMessageId"/>.
    /// </summary>
    public string? SourceEventId { get; init; }

    /// <summary>The touchpoint type of the sent message, as the echo would map it; null means <c>&lt;channel&gt;.sent</c>.</summary>
    public string? TouchpointType { get; init; }
}
