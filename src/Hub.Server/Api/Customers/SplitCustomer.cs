using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Customers;

/// <summary><c>POST /api/customers/{id}/split</c> with <c>{"mergedCustomerId": "..."}</c>: undo one merge.</summary>
internal static class SplitCustomer
{
    public static async Task<IResult> HandleAsync(
        Guid id, SplitRequest? request, HubDbContext db, CustomerSplitter splitter, HttpContext http, CancellationToken cancellationToken)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return MergedCustomers.NotFound(id);
        }
        if (request?.MergedCustomerId is not { } mergedId || mergedId == Guid.Empty)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid split",
                detail: "Send {\"mergedCustomerId\": \"<id of a customer merged into this one>\"}.");
        }
        var actor = http.User.Identity?.Name ?? "unknown";
        // Another process may change these customers at the same moment: then the split looks again.
        var result = await CustomerGraphTransactions.RetryLostRacesAsync(
            ct => splitter.SplitAsync(id, mergedId, actor, ct), cancellationToken);
        return result.Done
            ? TypedResults.Ok(new SplitResponse(id, result.RestoredCustomerIds))
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Cannot split", detail: result.Problem);
    }
}

internal sealed record SplitRequest(Guid? MergedCustomerId);

internal sealed record SplitResponse(Guid CustomerId, IReadOnlyList<Guid> RestoredCustomerIds);
