using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;

namespace Hub.Server.Api.Customers;

/// <summary>
/// <c>POST /api/customers/{id}/merge</c> with <c>{"otherCustomerId": "..."}</c>: an admin's merge of two customers that no
/// rule joined (a duplicate suggestion, say). The older one survives, whichever id is in the path.
/// </summary>
internal static class MergeCustomers
{
    public static async Task<IResult> HandleAsync(
        Guid id, MergeRequest? request, CustomerMerger merger, HttpContext http, CancellationToken cancellationToken)
    {
        if (request?.OtherCustomerId is not { } otherId || otherId == Guid.Empty)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid merge",
                detail: "Send {\"otherCustomerId\": \"<id of the customer to merge with this one>\"}.");
        }
        if (otherId == id)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid merge",
                detail: "A customer cannot be merged with itself: otherCustomerId is the id in the path.");
        }
        var actor = http.User.Identity?.Name ?? "unknown";
        // Another process may change these customers at the same moment: then the merge looks again.
        var result = await CustomerGraphTransactions.RetryLostRacesAsync(
            ct => merger.MergeAsync(id, otherId, actor, ct), cancellationToken);
        return result.Outcome switch
        {
            ManualMergeOutcome.Merged => TypedResults.Ok(new MergeResponse(result.SurvivorId, result.MergedId)),
            ManualMergeOutcome.NotFound => MergedCustomers.NotFound(result.MergedId),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Cannot merge", detail: result.Problem,
                extensions: result.ConflictingIdentifiers.Count == 0 ? null
                    : new Dictionary<string, object?> { ["conflictingIdentifiers"] = result.ConflictingIdentifiers }),
        };
    }
}

internal sealed record MergeRequest(Guid? OtherCustomerId);

/// <param name="SurvivorId">The older customer, which the other was merged into.</param>
/// <param name="MergedId">The customer merged into it; its id answers 301 to the survivor from now on.</param>
internal sealed record MergeResponse(Guid SurvivorId, Guid MergedId);
