using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Integration.Tests.Identity;

/// <summary>Profile touchpoints of a CRM instance <c>crm1</c>, on 2026-01-01 at 09:00 plus the given minutes.</summary>
internal static class CrmTouchpoints
{
    public static TouchpointReceived Identified(string id, int minute, string name, params CustomerIdentifier[] identities)
    {
        var at = new DateTimeOffset(2026, 1, 1, 9, minute, 0, TimeSpan.Zero);
        return new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From("crm1", id),
            ConnectorInstanceId = "crm1",
            SourceEventId = id,
            Channel = TouchpointChannels.Crm,
            Type = "profile.identified",
            OccurredAt = at,
            ReceivedAt = at,
            Identities = identities,
            ProfileFacts = new Dictionary<string, string> { ["name"] = name },
        };
    }
}
