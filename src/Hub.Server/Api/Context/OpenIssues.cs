using Hub.Core.RelationshipHealth;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Context;

/// <summary>
/// The customer's open CRM cases: every case is followed through its touchpoints (<c>crm.case.*</c>, one case per
/// record reference), and is open while its latest touchpoint neither closes nor deletes it, decided as the
/// relationship health decides it (<see cref="ConversationRules.LatestOfCase"/>: at the same instant a closing one wins).
/// </summary>
internal static class OpenIssues
{
    public static async Task<IReadOnlyList<OpenIssue>> OfAsync(HubDbContext db, Guid customerId, CancellationToken cancellationToken)
    {
        var entries = await db.Timeline.AsNoTracking()
            .Where(t => t.CustomerId == customerId && t.Type.StartsWith(ConversationRules.CasePrefix))
            .Select(t => new { t.Type, t.OccurredAt, t.Summary, t.ContentReference, t.ConnectorInstanceId, t.SourceEventId })
            .ToListAsync(cancellationToken);
        return [.. entries
            .GroupBy(e => e.ContentReference ?? e.SourceEventId)
            .Select(g => (Latest: ConversationRules.LatestOfCase(g, e => e.OccurredAt, e => e.Type), OpenedAt: g.Min(e => e.OccurredAt)))
            .Where(c => !ConversationRules.EndsCase(c.Latest.Type))
            .OrderByDescending(c => c.Latest.OccurredAt)
            .Select(c => new OpenIssue(c.Latest.ConnectorInstanceId, c.Latest.ContentReference, c.Latest.Summary, c.OpenedAt, c.Latest.OccurredAt))];
    }
}

/// <summary>An open case: where it lives, what it says, since when, and when it last changed.</summary>
internal sealed record OpenIssue(string ConnectorInstanceId, string? Reference, string? Summary, DateTimeOffset OpenedAt, DateTimeOffset LastChangedAt);
