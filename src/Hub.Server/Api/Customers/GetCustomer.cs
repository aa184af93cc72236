using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Customers;

internal static class GetCustomer
{
    public static async Task<IResult> HandleAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        if (await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) is { } survivor)
        {
            return MergedCustomers.MovedPermanently($"/api/customers/{survivor}");
        }
        var customer = await db.Customers.AsNoTracking().AsSplitQuery()
            .Include(c => c.Identifiers).Include(c => c.Fields)
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return customer is null
            ? MergedCustomers.NotFound(id)
            : TypedResults.Ok(CustomerView.From(customer));
    }
}
