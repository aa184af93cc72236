using Hub.Core.RelationshipHealth;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.RelationshipHealth;

/// <summary>A customer's health as kept in <c>customer_health</c>; for a customer resolved before it existed, from its own timeline.</summary>
public static class CustomerHealthReader
{
    public static async Task<Core.RelationshipHealth.RelationshipHealth> ReadAsync(HubDbContext db, Guid customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var state = await db.CustomerHealth.AsNoTracking().Where(h => h.CustomerId == customerId).Select(h => h.State).FirstOrDefaultAsync(cancellationToken);
        return state is not null
            ? HealthState.Decode(state).Summarize()
            : (await HealthRebuild.FromTimelineAsync(db, [customerId], cancellationToken))[customerId].Summarize();
    }
}
