using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Customers;

internal static class GetTimeline
{
    public static async Task<IResult> HandleAsync(
        Guid id, string? cursor, int? limit, HttpRequest request, HubDbContext db, CancellationToken cancellationToken)
    {
        if (await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) is { } survivor)
        {
            return MergedCustomers.MovedPermanently($"/api/customers/{survivor}/timeline{request.QueryString}");
        }
        if (Paging.InvalidLimit(limit, out var pageSize) is { } invalidLimit)
        {
            return invalidLimit;
        }
        (DateTimeOffset At, Guid Id)? after = null;
        if (cursor is not null)
        {
            after = ParseCursor(cursor);
            if (after is null)
            {
                return Paging.InvalidCursor();
            }
        }
        if (!await db.Customers.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return MergedCustomers.NotFound(id);
        }
        var query = db.Timeline.AsNoTracking().Where(t => t.CustomerId == id);
        if (after is { } position)
        {
            query = query.Where(t => t.OccurredAt < position.At || (t.OccurredAt == position.At && t.TouchpointId.CompareTo(position.Id) < 0));
        }
        var rows = await query.OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.TouchpointId)
            .Take(pageSize + 1).ToListAsync(cancellationToken);
        var items = rows.Take(pageSize).Select(TimelineItem.From).ToList();
        var next = rows.Count > pageSize ? Cursor(rows[pageSize - 1]) : null;
        return TypedResults.Ok(new TimelinePage(items, next));
    }

    private static string Cursor(TimelineEntryRow row) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{row.OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{row.TouchpointId}"));

    private static (DateTimeOffset, Guid)? ParseCursor(string cursor)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && Guid.TryParse(parts[1], out var id)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

internal sealed record TimelinePage(IReadOnlyList<TimelineItem> Items, string? NextCursor);

internal sealed record TimelineItem(
    Guid TouchpointId,
    string ConnectorInstanceId,
    string SourceEventId,
    string Channel,
    string Type,
    string Direction,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string? Summary,
    string? ContentReference,
    IReadOnlyList<RejectedIdentifier> RejectedIdentities,
    bool Withdrawn,
    IReadOnlyDictionary<string, string> Details)
{
    public static TimelineItem From(TimelineEntryRow row)
    {
        var touchpoint = JsonSerializer.Deserialize<TouchpointReceived>(row.Body, JsonSerializerOptions.Web);
        return new(
            row.TouchpointId, row.ConnectorInstanceId, row.SourceEventId, row.Channel, row.Type, row.Direction,
            row.OccurredAt, row.ReceivedAt, row.Summary, row.ContentReference,
            touchpoint?.RejectedIdentities ?? [],
            row.Withdrawn,
            row.Withdrawn ? new Dictionary<string, string>() : touchpoint?.Details ?? new Dictionary<string, string>());
    }
}
