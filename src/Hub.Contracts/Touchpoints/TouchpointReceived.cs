using Hub.Contracts.Identity;

namespace Hub.Contracts.Touchpoints;

/// <summary>
/// A touchpoint the hub has accepted: the canonical event every channel is normalized into.
/// Maps 1:1 onto a CloudEvent (see <see cref="CloudEvents.TouchpointCloudEvent"/>).
/// </summary>
public sealed record TouchpointReceived
{
    /// <summary>Deterministic id from connector instance and source event id (<see cref="TouchpointIds.From"/>).</summary>
    public required Guid TouchpointId { get; init; }

    /// <summary>The connector instance the touchpoint arrived through.</summary>
    public required string ConnectorInstanceId { get; init; }

    /// <summary>The source system's id of the event.</summary>
    public required string SourceEventId { get; init; }

    /// <summary>One of <see cref="TouchpointChannels"/>.</summary>
    public required string Channel { get; init; }

    /// <summary>A dotted type such as <c>call.completed</c>.</summary>
    public required string Type { get; init; }

    /// <summary>When it happened at the source.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>When the hub accepted it.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Who started it.</summary>
    public TouchpointDirection Direction { get; init; }

    /// <summary>Normalized identities seen in the event.</summary>
    public IReadOnlyList<CustomerIdentifier> Identities { get; init; } = [];

    /// <summary>Identities the event carried that could not be normalized.</summary>
    public IReadOnlyList<RejectedIdentifier> RejectedIdentities { get; init; } = [];

    /// <summary>Profile facts such as <c>name</c> or <c>company</c>.</summary>
    public IReadOnlyDictionary<string, string> ProfileFacts { get; init; } = new Dictionary<string, string>();

    /// <summary>A short human-readable summary.</summary>
    public string? Summary { get; init; }

    /// <summary>Where the full content lives, if anywhere.</summary>
    public string? ContentReference { get; init; }

    /// <summary>Channel-specific details (an e-mail's subject, Message-ID, conversation id), as the connector gave them.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The touchpoint whose content the source withdrew (a deleted post), if this touchpoint says so: the hub then
    /// keeps that touchpoint on the timeline without its text, whichever of the two arrives first.
    /// </summary>
    public Guid? WithdrawsTouchpointId { get; init; }
}
