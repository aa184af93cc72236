using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Server.Api;

/// <summary>The same answers for every paged list (<c>limit</c> and <c>cursor</c>), so clients page them all alike.</summary>
internal static class Paging
{
    /// <summary>The problem with a page size, or null when it is between 1 and <paramref name="max"/>.</summary>
    public static ProblemHttpResult? InvalidLimit(int limit, int max) => limit is >= 1 && limit <= max
        ? null
        : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid page size", detail: $"'limit' must be between 1 and {max}.");

    public static ProblemHttpResult InvalidCursor() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid cursor", detail: "'cursor' must be a value returned as 'nextCursor'.");
}
