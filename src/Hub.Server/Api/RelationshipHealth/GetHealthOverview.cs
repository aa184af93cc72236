using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.RelationshipHealth;

/// <summary>
/// <c>GET /api/health/overview?limit=&amp;cursor=</c>: one aggregate query over <c>customer_health</c> for the
/// distributions, and a page of waiting customers read along the (WaitingSince, CustomerId) index, longest wait first.
/// </summary>
internal static class GetHealthOverview
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public static async Task<IResult> HandleAsync(string? cursor, int? limit, HubDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Paging.InvalidLimit(limit, out var pageSize) is { } invalidLimit)
        {
            return invalidLimit;
        }
        (DateTimeOffset At, Guid Id)? after = null;
        if (cursor is not null && (after = ParseCursor(cursor)) is null)
        {
            return Paging.InvalidCursor();
        }
        return TypedResults.Ok(await QueryAsync(db, time.GetUtcNow(), after, pageSize, cancellationToken));
    }

    /// <summary>The overview at <paramref name="now"/>, with the page of waiting customers after <paramref name="after"/> (a parsed cursor).</summary>
    public static async Task<HealthOverview> QueryAsync(
        HubDbContext db, DateTimeOffset now, (DateTimeOffset At, Guid Id)? after, int pageSize, CancellationToken cancellationToken)
    {
        var (hourAgo, dayAgo, weekAgo) = (now - Hour, now - Day, now - Week);
        var (hourSeconds, daySeconds) = ((long)Hour.TotalSeconds, (long)Day.TotalSeconds);
        var counts = await db.CustomerHealth.AsNoTracking().GroupBy(_ => 1).Select(g => new
        {
            Customers = g.Count(),
            Awaiting = g.Count(h => h.AwaitingReplySince != null),
            AwaitingHour = g.Count(h => h.AwaitingReplySince < hourAgo),
            AwaitingDay = g.Count(h => h.AwaitingReplySince < dayAgo),
            AwaitingWeek = g.Count(h => h.AwaitingReplySince < weekAgo),
            Complaints = g.Count(h => h.LastUnresolvedComplaintAt != null),
            ComplaintsDay = g.Count(h => h.LastUnresolvedComplaintAt >= dayAgo),
            ComplaintsWeek = g.Count(h => h.LastUnresolvedComplaintAt >= weekAgo),
            OpenIssues = g.Count(h => h.OpenCases > 0 || h.UnansweredMessages > 0),
            Answered = g.Count(h => h.MedianResponseSeconds != null),
            AnsweredHour = g.Count(h => h.MedianResponseSeconds <= hourSeconds),
            AnsweredDay = g.Count(h => h.MedianResponseSeconds <= daySeconds),
            ByCustomer = g.Count(h => h.ContactsStartedByCustomer > h.ContactsStartedByCompany),
            Even = g.Count(h => h.ContactsStartedByCustomer == h.ContactsStartedByCompany && h.ContactsStartedByCustomer > 0),
            ByCompany = g.Count(h => h.ContactsStartedByCustomer < h.ContactsStartedByCompany),
        }).FirstOrDefaultAsync(cancellationToken);

        var waiting = db.CustomerHealth.AsNoTracking().Where(h => h.WaitingSince != null);
        if (after is { } position)
        {
            waiting = waiting.Where(h => h.WaitingSince > position.At || (h.WaitingSince == position.At && h.CustomerId.CompareTo(position.Id) > 0));
        }
        var rows = await waiting.OrderBy(h => h.WaitingSince).ThenBy(h => h.CustomerId).Take(pageSize + 1).ToListAsync(cancellationToken);
        var page = rows.Take(pageSize).ToList();
        var ids = page.Select(h => h.CustomerId).ToList();
        var names = await db.CustomerFields.AsNoTracking().Where(f => ids.Contains(f.CustomerId) && f.Name == "name")
            .ToDictionaryAsync(f => f.CustomerId, f => f.Value, cancellationToken);
        var items = page.Select(h => new WaitingCustomer(
            h.CustomerId, names.GetValueOrDefault(h.CustomerId), h.WaitingSince!.Value, (long)(now - h.WaitingSince.Value).TotalSeconds,
            h.AwaitingReplySince, h.UnansweredMessages, h.OpenCases, h.LastUnresolvedComplaintAt)).ToList();
        var next = rows.Count > pageSize ? Cursor(page[^1]) : null;

        return new HealthOverview(
            now,
            counts?.Customers ?? 0,
            new AwaitingReplyDistribution(counts?.Awaiting ?? 0, counts?.AwaitingHour ?? 0, counts?.AwaitingDay ?? 0, counts?.AwaitingWeek ?? 0),
            new OpenComplaintDistribution(counts?.Complaints ?? 0, counts?.ComplaintsDay ?? 0,
                (counts?.ComplaintsWeek ?? 0) - (counts?.ComplaintsDay ?? 0), (counts?.Complaints ?? 0) - (counts?.ComplaintsWeek ?? 0)),
            counts?.OpenIssues ?? 0,
            new ResponseTimeDistribution(counts?.Answered ?? 0, counts?.AnsweredHour ?? 0,
                (counts?.AnsweredDay ?? 0) - (counts?.AnsweredHour ?? 0), (counts?.Answered ?? 0) - (counts?.AnsweredDay ?? 0)),
            new ContactsStartedDistribution(counts?.ByCustomer ?? 0, counts?.Even ?? 0, counts?.ByCompany ?? 0),
            new WaitingPage(items, next));
    }

    private static string Cursor(CustomerHealthRow row) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{row.WaitingSince!.Value.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{row.CustomerId}"));

    /// <summary>A <c>nextCursor</c> read back; null when it is not one.</summary>
    public static (DateTimeOffset At, Guid Id)? ParseCursor(string cursor)
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
