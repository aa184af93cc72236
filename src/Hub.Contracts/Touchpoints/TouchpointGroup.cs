namespace Hub.Contracts.Touchpoints;

/// <summary>
/// Touchpoints the ingress accepted at the same moment (from one or several requests), travelling to resolution as one
/// broker message instead of one each: per message the broker and the consumer cost more than resolution does with one
/// touchpoint. Resolution treats each as the <see cref="TouchpointReceived"/> it is; one it cannot apply continues as a
/// message of its own, so a group never holds back the others.
/// </summary>
public sealed record TouchpointGroup
{
    /// <summary>The most touchpoints one group holds; more accepted at once travel as several groups.</summary>
    public const int MaxTouchpoints = 50;

    /// <summary>The touchpoints, in the order they were accepted.</summary>
    public required IReadOnlyList<TouchpointReceived> Touchpoints { get; init; }
}
