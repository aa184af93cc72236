using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Customers;

/// <summary>Per connected system (a merged id answers 301 to its survivor's): which version of the customer it has, its record id there, and its last refusal.</summary>
internal static class GetSyncStatus
{
    public static async Task<IResult> HandleAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        if (await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) is { } survivor)
        {
            return MergedCustomers.MovedPermanently($"/api/customers/{survivor}/sync");
        }
        if (!await db.Customers.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return MergedCustomers.NotFound(id);
        }
        var rows = await db.SyncCheckpoints.AsNoTracking().Where(s => s.CustomerId == id)
            .OrderBy(s => s.ConnectorInstanceId).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(s => new SyncStatusView(
            s.ConnectorInstanceId, s.DeliveredVersion, s.ExternalRecordId, s.UpdatedAt, s.LastError, s.FailedVersion, s.LastErrorAt)).ToList());
    }
}

internal sealed record SyncStatusView(
    string ConnectorInstanceId, long DeliveredVersion, string? ExternalRecordId, DateTimeOffset UpdatedAt,
    string? LastError, long? FailedVersion, DateTimeOffset? LastErrorAt);
