using System.Globalization;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Server.Api.Customers;
using Hub.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Identity;

/// <summary>What an admin reviews: merges the rules refused, and likely duplicates no rule joins. Both are paged like every list.</summary>
internal static class IdentityReviewApi
{
    public static IEndpointRouteBuilder MapIdentityReviewApi(this IEndpointRouteBuilder app)
    {
        var identity = app.MapGroup("/api/identity").RequireApiScope(ApiScopes.IdentityReview).WithTags("Identity")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        identity.MapGet("/conflicts", ConflictsAsync).WithName("ListIdentityConflicts")
            .WithSummary("Merges (or identifier links) that merge protection refused, newest first, a page at a time.")
            .Produces<ConflictPage>().ProducesProblem(StatusCodes.Status400BadRequest);
        identity.MapGet("/duplicates", DuplicatesAsync).WithName("ListDuplicateSuggestions")
            .WithSummary("Likely duplicates with a score and the reason, highest score first, a page at a time; never merged automatically.")
            .Produces<DuplicatePage>().ProducesProblem(StatusCodes.Status400BadRequest);
        identity.MapPost("/duplicates/dismissals", DuplicateDismissalsApi.DismissAsync).WithName("DismissDuplicateSuggestion")
            .WithSummary("Not the same person: the pair is no longer suggested (201 with the dismissal; 200 with the stored one when dismissed already).")
            .Produces<DismissalView>(StatusCodes.Status201Created).Produces<DismissalView>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        identity.MapDelete("/duplicates/dismissals/{customerId:guid}/{otherCustomerId:guid}", DuplicateDismissalsApi.UndoAsync)
            .WithName("UndoDuplicateDismissal")
            .WithSummary("Undo a dismissal (the two ids in either order) and answer the undone dismissal: the pair is suggested again when it still matches.")
            .Produces<DismissalView>().ProducesProblem(StatusCodes.Status404NotFound);
        identity.MapGet("/duplicates/dismissals", DuplicateDismissalsApi.ListAsync).WithName("ListDuplicateDismissals")
            .WithSummary("Pairs dismissed as not the same person, newest first, a page at a time.")
            .Produces<DismissalPage>().ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> ConflictsAsync(int? limit, string? cursor, HubDbContext db, CancellationToken cancellationToken)
    {
        if (Paging.InvalidLimit(limit, out var pageSize) is { } invalidLimit)
        {
            return invalidLimit;
        }
        var query = db.IdentityConflicts.AsNoTracking();
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
            {
                return Paging.InvalidCursor();
            }
            query = query.Where(c => c.Id < before);
        }
        var rows = await query.OrderByDescending(c => c.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        var next = rows.Count > pageSize ? rows[pageSize - 1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new ConflictPage([.. rows.Take(pageSize).Select(c => new ConflictView(
            c.Id, c.CustomerId, c.OtherCustomerId,
            c.IdentifierType is null ? null : new IdentifierView(c.IdentifierType, c.IdentifierValue!),
            c.TouchpointId, c.Reason, c.CreatedAt))], next));
    }

    private static async Task<IResult> DuplicatesAsync(int? limit, string? cursor, DuplicateSuggestions suggestions, CancellationToken cancellationToken)
    {
        if (Paging.InvalidLimit(limit, out var pageSize) is { } invalidLimit)
        {
            return invalidLimit;
        }
        DuplicateSuggestion? after = null;
        if (cursor is not null && (after = ParseDuplicateCursor(cursor)) is null)
        {
            return Paging.InvalidCursor();
        }
        var found = await suggestions.FindAsync(pageSize + 1, after, cancellationToken);
        var page = found.Take(pageSize).ToList();
        return TypedResults.Ok(new DuplicatePage(page, found.Count > pageSize ? DuplicateCursor(page[^1]) : null));
    }

    // The position in the list's order: score, then the two customer ids.
    private static string DuplicateCursor(DuplicateSuggestion last) =>
        string.Create(CultureInfo.InvariantCulture, $"{last.Score:R}_{last.CustomerId:N}_{last.OtherCustomerId:N}");

    private static DuplicateSuggestion? ParseDuplicateCursor(string cursor) =>
        cursor.Split('_') is [var score, var customer, var other]
        && double.TryParse(score, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsedScore) && double.IsFinite(parsedScore)
        && Guid.TryParseExact(customer, "N", out var customerId) && Guid.TryParseExact(other, "N", out var otherId)
            ? new DuplicateSuggestion(customerId, otherId, parsedScore, "")
            : null;
}

internal sealed record ConflictView(
    long Id, Guid CustomerId, Guid? OtherCustomerId, IdentifierView? Identifier, Guid? TouchpointId, string Reason, DateTimeOffset CreatedAt);

internal sealed record ConflictPage(IReadOnlyList<ConflictView> Items, string? NextCursor);

internal sealed record DuplicatePage(IReadOnlyList<DuplicateSuggestion> Items, string? NextCursor);
