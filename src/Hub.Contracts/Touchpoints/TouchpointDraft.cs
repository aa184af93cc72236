using Hub.Contracts.Identity;

namespace Hub.Contracts.Touchpoints;

/// <summary>
/// What a connector makes of one source event. The host stamps it with the connector instance,
/// the deterministic touchpoint id and the receive time, normalizes its identities and publishes
/// it as <see cref="TouchpointReceived"/>.
/// </summary>
public sealed record TouchpointDraft
{
    /// <summary>The source system's id for this event; the same event re-sent must carry the same id.</summary>
    public required string SourceEventId { get; init; }

    /// <summary>One of <see cref="TouchpointChannels"/>.</summary>
    public required string Channel { get; init; }

    /// <summary>A dotted type such as <c>call.completed</c>, <c>email.received</c>, <c>crm.contact.updated</c>.</summary>
    public required string Type { get; init; }

    /// <summary>When it happened at the source.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Who started it.</summary>
    public TouchpointDirection Direction { get; init; }

    /// <summary>Identities seen in the event, as the source wrote them.</summary>
    public IReadOnlyList<CustomerIdentifier> Identities { get; init; } = [];

    /// <summary>Profile facts such as <c>name</c>, <c>firstName</c>, <c>company</c>.</summary>
    public IReadOnlyDictionary<string, string> ProfileFacts { get; init; } = new Dictionary<string, string>();

    /// <summary>A short human-readable summary for the timeline.</summary>
    public string? Summary { get; init; }

    /// <summary>Where the full content lives (a URL or a source-specific reference), if anywhere.</summary>
    public string? ContentReference { get; init; }

    /// <summary>
    /// Channel-specific details kept with the touchpoint (an e-mail's <c>subject</c>, <c>messageId</c>,
    /// <c>conversationId</c>, <c>attachments</c>, <c>flags</c>): shown on the timeline, never profile facts.
    /// </summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The source event id of an earlier touchpoint of the same connector instance whose content the source has
    /// withdrawn (an X post deleted): the host removes that touchpoint's text and marks it withdrawn, even when this
    /// event arrives first.
    /// </summary>
    public string? Withdraws { get; init; }
}
