using System.Globalization;
using System.Text.Json.Serialization;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Server.Api.Customers;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Identity;

/// <summary>
/// <c>/api/identity/duplicates/dismissals</c>: an admin says two suggested customers are not the same person (and may
/// take it back); a dismissed pair is no longer suggested.
/// </summary>
internal static class DuplicateDismissalsApi
{
    public static async Task<IResult> DismissAsync(
        DismissalRequest? request, DuplicateDismissals dismissals, HttpContext http, CancellationToken cancellationToken)
    {
        if (request?.CustomerId is not { } customerId || customerId == Guid.Empty
            || request.OtherCustomerId is not { } otherId || otherId == Guid.Empty)
        {
            return Invalid("Send {\"customerId\": \"...\", \"otherCustomerId\": \"...\", \"reason\": \"optional text\"}.");
        }
        if (customerId == otherId)
        {
            return Invalid("customerId and otherCustomerId are the same id: a customer is always the same person as itself.");
        }
        if (request.Reason is { Length: > DuplicateDismissalRow.ReasonMaxLength })
        {
            return Invalid($"'reason' may be at most {DuplicateDismissalRow.ReasonMaxLength} characters.");
        }
        var actor = http.User.Identity?.Name ?? "unknown";
        var result = await CustomerGraphTransactions.RetryLostRacesAsync(
            ct => dismissals.DismissAsync(customerId, otherId, request.Reason, actor, ct), cancellationToken);
        return result.Outcome switch
        {
            DismissalOutcome.Dismissed => TypedResults.Created(
                $"/api/identity/duplicates/dismissals/{result.Dismissal!.CustomerId}/{result.Dismissal.OtherCustomerId}", DismissalView.Of(result.Dismissal)),
            DismissalOutcome.AlreadyDismissed => TypedResults.Ok(DismissalView.Of(result.Dismissal!)),
            DismissalOutcome.NotFound => MergedCustomers.NotFound(result.CustomerId!.Value),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Cannot dismiss",
                detail: $"{customerId} and {otherId} are one customer already: {result.CustomerId}."),
        };
    }

    public static async Task<IResult> UndoAsync(
        Guid customerId, Guid otherCustomerId, DuplicateDismissals dismissals, HttpContext http, CancellationToken cancellationToken)
    {
        var actor = http.User.Identity?.Name ?? "unknown";
        var undone = await CustomerGraphTransactions.RetryLostRacesAsync(ct => dismissals.UndoAsync(customerId, otherCustomerId, actor, ct), cancellationToken);
        return undone is not null
            ? TypedResults.Ok(DismissalView.Of(undone))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dismissal not found",
                detail: $"{customerId} and {otherCustomerId} were not dismissed as two people.");
    }

    public static async Task<IResult> ListAsync(int? limit, string? cursor, HubDbContext db, CancellationToken cancellationToken)
    {
        if (Paging.InvalidLimit(limit, out var pageSize) is { } invalidLimit)
        {
            return invalidLimit;
        }
        var query = db.DuplicateDismissals.AsNoTracking();
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
            {
                return Paging.InvalidCursor();
            }
            query = query.Where(d => d.Id < before);
        }
        var rows = await query.OrderByDescending(d => d.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        var next = rows.Count > pageSize ? rows[pageSize - 1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new DismissalPage([.. rows.Take(pageSize).Select(DismissalView.Of)], next));
    }

    private static IResult Invalid(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid dismissal", detail: detail);
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record DismissalRequest(Guid? CustomerId, Guid? OtherCustomerId, string? Reason);

/// <param name="CustomerId">The smaller of the two ids: a pair is stored once, whichever way round it was named.</param>
/// <param name="OtherCustomerId">The larger of the two ids.</param>
/// <param name="Reason">Why they are not one person, as the admin wrote it; null when not given.</param>
/// <param name="DismissedBy">The API key's name or the admin's e-mail address.</param>
/// <param name="DismissedAt">When.</param>
internal sealed record DismissalView(Guid CustomerId, Guid OtherCustomerId, string? Reason, string DismissedBy, DateTimeOffset DismissedAt)
{
    public static DismissalView Of(DuplicateDismissalRow row) => new(row.CustomerId, row.OtherCustomerId, row.Reason, row.DismissedBy, row.DismissedAt);
}

internal sealed record DismissalPage(IReadOnlyList<DismissalView> Items, string? NextCursor);
