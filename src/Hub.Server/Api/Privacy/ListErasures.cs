using System.Globalization;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Privacy;

/// <summary>
/// <c>GET /api/erasures?status=failed&amp;limit=50&amp;cursor=...</c>: every erasure asked for, newest first, with its
/// overall status (<c>failed</c> when any system refused, its own or a merged customer's; <c>done</c> when every system is
/// done; <c>pending</c> otherwise) and each system's. The list a privacy officer works from when the customer id is gone:
/// the erasure record holds no personal data, so the list shows none.
/// </summary>
internal static class ListErasures
{
    private static readonly string[] Statuses = [ErasureStatus.Pending, ErasureStatus.Done, ErasureStatus.Failed];

    public static async Task<IResult> HandleAsync(string? status, int? limit, string? cursor, HubDbContext db, CancellationToken cancellationToken)
    {
        if (status is not null && !Statuses.Contains(status))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid status",
                detail: $"'status' must be one of {string.Join(", ", Statuses)}.");
        }
        if (Paging.InvalidLimit(limit, out var pageSize) is { } invalidLimit)
        {
            return invalidLimit;
        }
        DateTimeOffset? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return Paging.InvalidCursor();
            }
            before = new DateTimeOffset(ticks, TimeSpan.Zero);
        }
        // Each system of an erasure: its own, and those of the customers merged into it (erased in the same transaction).
        var systems = from target in db.ErasureTargets
                      join request in db.ErasureRequests on target.RequestId equals request.Id
                      select new { Erasure = request.SurvivorRequestId ?? request.Id, target.Status };
        var requests = db.ErasureRequests.AsNoTracking().Where(r => r.SurvivorRequestId == null);
        requests = status switch
        {
            ErasureStatus.Failed => requests.Where(r => systems.Any(s => s.Erasure == r.Id && s.Status == ErasureStatus.Failed)),
            ErasureStatus.Done => requests.Where(r => !systems.Any(s => s.Erasure == r.Id && s.Status != ErasureStatus.Done)),
            ErasureStatus.Pending => requests.Where(r => systems.Any(s => s.Erasure == r.Id && s.Status != ErasureStatus.Done)
                && !systems.Any(s => s.Erasure == r.Id && s.Status == ErasureStatus.Failed)),
            _ => requests,
        };
        if (before is { } position)
        {
            requests = requests.Where(r => r.RequestedAt < position);
        }
        var ids = await requests.OrderByDescending(r => r.RequestedAt).Select(r => new { r.Id, r.RequestedAt }).Take(pageSize + 1).ToListAsync(cancellationToken);
        var items = await ErasureView.LoadManyAsync(db, [.. ids.Take(pageSize).Select(i => i.Id)], [], cancellationToken);
        var next = ids.Count > pageSize ? ids[pageSize - 1].RequestedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new ErasurePage(items, next));
    }
}

/// <summary>A page of erasures; <c>nextCursor</c> asks for the next one (null on the last page).</summary>
internal sealed record ErasurePage(IReadOnlyList<ErasureView> Items, string? NextCursor);
