using Hub.Contracts.Touchpoints;

namespace Hub.Core.RelationshipHealth;

/// <summary>
/// What the relationship-health metrics read of one timeline entry. <see cref="CaseKey"/> names the CRM case a
/// <c>crm.case.*</c> touchpoint belongs to (its content reference, else its source event id), as the open issues do.
/// </summary>
public readonly record struct HealthTouchpoint(string Channel, string Type, TouchpointDirection Direction, DateTimeOffset OccurredAt, string CaseKey)
{
    public static HealthTouchpoint Of(string channel, string type, string direction, DateTimeOffset occurredAt, string? contentReference, string sourceEventId) =>
        new(channel, type, ParseDirection(direction), occurredAt, contentReference ?? sourceEventId);

    public static TouchpointDirection ParseDirection(string direction) =>
        Enum.TryParse<TouchpointDirection>(direction, ignoreCase: true, out var parsed) ? parsed : TouchpointDirection.None;
}
