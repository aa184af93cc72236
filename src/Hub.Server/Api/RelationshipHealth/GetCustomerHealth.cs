using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.RelationshipHealth;
using Hub.Server.Api.Customers;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.RelationshipHealth;

/// <summary><c>GET /api/customers/{id}/health</c>: one row by its key, no timeline read (a merged id is sent on to its survivor).</summary>
internal static class GetCustomerHealth
{
    public static async Task<IResult> HandleAsync(Guid id, HttpRequest request, HubDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) is { } survivor)
        {
            return MergedCustomers.MovedPermanently($"/api/customers/{survivor}/health{request.QueryString}");
        }
        if (!await db.Customers.AsNoTracking().AnyAsync(c => c.Id == id, cancellationToken))
        {
            return MergedCustomers.NotFound(id);
        }
        var health = await CustomerHealthReader.ReadAsync(db, id, cancellationToken);
        return TypedResults.Ok(CustomerHealthView.From(id, health, time.GetUtcNow()));
    }
}
