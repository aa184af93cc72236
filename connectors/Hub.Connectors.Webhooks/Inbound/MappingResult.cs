using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>All touchpoints of a body, or the first problem: a body is taken whole or not at all.</summary>
internal sealed record MappingResult(IReadOnlyList<TouchpointDraft> Touchpoints, string? Problem)
{
    public static MappingResult Ok(IReadOnlyList<TouchpointDraft> touchpoints) => new(touchpoints, null);

    public static MappingResult Fail(string problem) => new([], problem);
}

/// <summary>What mapping needs to know about the request and the instance.</summary>
/// <param name="DeliveryId">The webhook-id: the source event id of calls that carry no id of their own.</param>
/// <param name="ReceivedAt">When the hub received the request.</param>
/// <param name="Channel">The instance's channel.</param>
/// <param name="UserIdType">The identifier type of the source's user ids (<c>&lt;instance&gt;:user</c>).</param>
internal sealed record MappingContext(string DeliveryId, DateTimeOffset ReceivedAt, string Channel, string UserIdType);
