using System.Globalization;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Operations;

/// <summary><c>GET /api/operations/failed-messages?status=failed&amp;limit=50&amp;cursor=...</c>: newest first.</summary>
internal static class ListFailedMessages
{
    public static async Task<IResult> HandleAsync(string? status, int? limit, string? cursor, HubDbContext db, CancellationToken cancellationToken)
    {
        if (status is not null && !FailedMessageStatus.All.Contains(status))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid status",
                detail: $"'status' must be one of {string.Join(", ", FailedMessageStatus.All)}.");
        }
        if (Paging.InvalidLimit(limit, out var pageSize) is { } invalidLimit)
        {
            return invalidLimit;
        }
        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Paging.InvalidCursor();
            }
            before = parsed;
        }
        var query = db.FailedMessages.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(f => f.Status == status);
        }
        if (before is { } position)
        {
            query = query.Where(f => f.Id < position);
        }
        // Ids grow with each new failure, so the newest first is the highest id first.
        var rows = await query.OrderByDescending(f => f.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        var next = rows.Count > pageSize ? rows[pageSize - 1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new FailedMessagePage([.. rows.Take(pageSize).Select(FailedMessageView.From)], next));
    }
}
