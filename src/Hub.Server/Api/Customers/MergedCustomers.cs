using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Customers;

/// <summary>Finding a customer by id: merged ids stay valid (callers that stored one are sent to the survivor).</summary>
internal static class MergedCustomers
{
    /// <summary>The survivor a merged id now lives on, or null when the id is not merged (or unknown).</summary>
    public static async Task<Guid?> SurvivorOfAsync(HubDbContext db, Guid id, CancellationToken cancellationToken)
    {
        Guid? survivor = null;
        for (var hop = 0; hop < 16; hop++)
        {
            var next = await db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => c.MergedIntoId).FirstOrDefaultAsync(cancellationToken);
            if (next is null)
            {
                return survivor;
            }
            survivor = id = next.Value;
        }
        return survivor;
    }

    public static IResult MovedPermanently(string location) => Results.Redirect(location, permanent: true);

    public static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Customer not found", detail: $"There is no customer {id}.");
}
