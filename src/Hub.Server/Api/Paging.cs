using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Server.Api;

/// <summary>The same page sizes and answers for every paged list (<c>limit</c> and <c>cursor</c>), so clients page them all alike.</summary>
internal static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>The page size asked for (<see cref="DefaultLimit"/> when none), or the problem with it.</summary>
    public static ProblemHttpResult? InvalidLimit(int? limit, out int pageSize)
    {
        pageSize = limit ?? DefaultLimit;
        return pageSize is >= 1 and <= MaxLimit
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid page size", detail: $"'limit' must be between 1 and {MaxLimit}.");
    }

    public static ProblemHttpResult InvalidCursor() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid cursor", detail: "'cursor' must be a value returned as 'nextCursor'.");
}
