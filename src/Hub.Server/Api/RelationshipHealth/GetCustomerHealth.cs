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
        return TypedResults.Ok(await ReadAsync(db, id, time.GetUtcNow(), cancellationToken));
    }

    /// <summary>The health of an existing (not merged) customer, its ages measured at <paramref name="now"/>.</summary>
    public static async Task<CustomerHealthView> ReadAsync(HubDbContext db, Guid id, DateTimeOffset now, CancellationToken cancellationToken) =>
        CustomerHealthView.From(id, await CustomerHealthReader.ReadAsync(db, id, cancellationToken), now);
}
