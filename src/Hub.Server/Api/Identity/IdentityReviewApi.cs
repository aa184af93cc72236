using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Server.Api.Customers;
using Hub.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Identity;

/// <summary>What an admin reviews: merges the rules refused, and likely duplicates no rule joins.</summary>
internal static class IdentityReviewApi
{
    public static IEndpointRouteBuilder MapIdentityReviewApi(this IEndpointRouteBuilder app)
    {
        var identity = app.MapGroup("/api/identity").RequireAuthorization(ApiKeyExtensions.ApiPolicy).WithTags("Identity")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        identity.MapGet("/conflicts", ConflictsAsync).WithName("ListIdentityConflicts")
            .WithSummary("Merges (or identifier links) that merge protection refused, newest first.");
        identity.MapGet("/duplicates", DuplicatesAsync).WithName("ListDuplicateSuggestions")
            .WithSummary("Likely duplicates with a score and the reason; never merged automatically.");
        return app;
    }

    private static async Task<IResult> ConflictsAsync(int? limit, HubDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.IdentityConflicts.AsNoTracking().OrderByDescending(c => c.Id).Take(Math.Clamp(limit ?? 100, 1, 1000))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(c => new ConflictView(
            c.Id, c.CustomerId, c.OtherCustomerId,
            c.IdentifierType is null ? null : new IdentifierView(c.IdentifierType, c.IdentifierValue!),
            c.TouchpointId, c.Reason, c.CreatedAt)).ToList());
    }

    private static async Task<IResult> DuplicatesAsync(int? limit, DuplicateSuggestions suggestions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await suggestions.FindAsync(Math.Clamp(limit ?? 50, 1, 500), cancellationToken));
}

internal sealed record ConflictView(
    long Id, Guid CustomerId, Guid? OtherCustomerId, IdentifierView? Identifier, Guid? TouchpointId, string Reason, DateTimeOffset CreatedAt);
