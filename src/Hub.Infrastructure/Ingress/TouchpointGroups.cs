using Hub.Contracts.Touchpoints;

namespace Hub.Infrastructure.Ingress;

/// <summary>Touchpoints accepted together, as the <see cref="TouchpointGroup"/> messages that carry them to resolution.</summary>
internal static class TouchpointGroups
{
    public static IEnumerable<TouchpointGroup> Of(IReadOnlyList<TouchpointReceived> touchpoints) =>
        touchpoints.Chunk(TouchpointGroup.MaxTouchpoints).Select(chunk => new TouchpointGroup { Touchpoints = chunk });
}
