using Hub.Contracts.Customers;
using Hub.Infrastructure.Persistence;
using Hub.Server.Api.Customers;

namespace Hub.Server.Api.Context;

/// <summary>The answer of <c>GET /api/context</c>: who, what happened lately, and how close the relationship is.</summary>
internal sealed record CustomerContext(
    string MatchedBy,
    CustomerView Customer,
    IReadOnlyList<ContextTouchpoint> LatestTouchpoints,
    IReadOnlyList<OpenIssue> OpenIssues,
    IReadOnlyDictionary<string, CustomerFieldValue> Consent,
    RelationshipMetrics Metrics,
    RelationshipHealth.CustomerHealthView Health);

internal sealed record ContextTouchpoint(
    Guid TouchpointId,
    string ConnectorInstanceId,
    string Channel,
    string Type,
    string Direction,
    DateTimeOffset OccurredAt,
    string? Summary,
    string? ContentReference,
    bool Withdrawn)
{
    public static ContextTouchpoint From(TimelineEntryRow row) => new(
        row.TouchpointId, row.ConnectorInstanceId, row.Channel, row.Type, row.Direction, row.OccurredAt, row.Summary, row.ContentReference, row.Withdrawn);
}

/// <summary>
/// Recency (the last contact, overall and per channel, as the relationship health counts contacts: record changes and
/// sends that did not go out are none) and activity (every touchpoint within the window, record changes included).
/// </summary>
internal sealed record RelationshipMetrics(
    DateTimeOffset? LastContactAt,
    int WindowDays,
    int TouchpointsInWindow,
    IReadOnlyList<ChannelActivity> Channels);

/// <summary>A channel with at least one touchpoint; <see cref="LastContactAt"/> is null when none of them is a contact.</summary>
internal sealed record ChannelActivity(string Channel, DateTimeOffset? LastContactAt, int TouchpointsInWindow);
