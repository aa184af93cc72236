using Hub.Infrastructure.Erasure;
using Hub.Infrastructure.Persistence;
using Hub.Server.Api.Customers;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Privacy;

/// <summary>
/// <c>POST /api/customers/{id}/erasure</c>: forgets the customer in the hub at once (one transaction) and queues the
/// erasure at every connected system that supports it; answers 202 with the per-system status. Asking again for an
/// erased customer answers the erasure that was made (200).
/// </summary>
internal static class RequestErasure
{
    public static async Task<IResult> HandleAsync(Guid id, HubDbContext db, CustomerEraser eraser, HttpContext http, CancellationToken cancellationToken)
    {
        var customerId = await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) ?? id;
        var actor = http.User.Identity?.Name ?? "unknown";
        // A touchpoint of this customer may be applied at the same moment: then the erasure runs again and erases what it left.
        if (await CustomerGraphTransactions.RetryLostRacesAsync(ct => eraser.EraseAsync(customerId, actor, ct), cancellationToken) is { } request)
        {
            var view = await ErasureView.LoadAsync(db, request.Id, cancellationToken);
            return TypedResults.Accepted($"/api/customers/{customerId}/erasure", view);
        }
        return await db.ErasureRequests.AsNoTracking().Where(r => r.CustomerId == customerId).OrderByDescending(r => r.RequestedAt)
                .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken) is { } earlier
            ? TypedResults.Ok(await ErasureView.LoadAsync(db, earlier, cancellationToken))
            : MergedCustomers.NotFound(id);
    }
}

/// <summary><c>GET /api/customers/{id}/erasure</c>: who asked and when, and how each connected system is doing.</summary>
internal static class GetErasure
{
    public static async Task<IResult> HandleAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var requestId = await db.ErasureRequests.AsNoTracking().Where(r => r.CustomerId == id).OrderByDescending(r => r.RequestedAt)
            .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        return requestId is { } found
            ? TypedResults.Ok(await ErasureView.LoadAsync(db, found, cancellationToken))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No erasure", detail: $"Customer {id} was not erased.");
    }
}

internal sealed record ErasureView(
    Guid ErasureRequestId, Guid CustomerId, string RequestedBy, DateTimeOffset RequestedAt, int ErasedIdentifiers,
    string Status, DateTimeOffset? CompletedAt, IReadOnlyList<ErasureTargetView> Targets)
{
    public static async Task<ErasureView> LoadAsync(HubDbContext db, Guid requestId, CancellationToken cancellationToken)
    {
        var request = await db.ErasureRequests.AsNoTracking().Include(r => r.Targets).FirstAsync(r => r.Id == requestId, cancellationToken);
        var targets = request.Targets.OrderBy(t => t.ConnectorInstanceId, StringComparer.Ordinal)
            .Select(t => new ErasureTargetView(t.ConnectorInstanceId, t.Status, t.Attempts, t.LastError, t.Detail,
                t.Status is ErasureStatus.Pending or ErasureStatus.Retrying ? t.NextAttemptAt : null, t.UpdatedAt, t.CompletedAt))
            .ToList();
        var status = targets.Any(t => t.Status == ErasureStatus.Failed) ? ErasureStatus.Failed
            : targets.TrueForAll(t => t.Status == ErasureStatus.Done) ? ErasureStatus.Done : ErasureStatus.Pending;
        return new ErasureView(request.Id, request.CustomerId, request.RequestedBy, request.RequestedAt, request.ErasedIdentifiers,
            status, request.CompletedAt, targets);
    }
}

internal sealed record ErasureTargetView(
    string ConnectorInstanceId, string Status, int Attempts, string? LastError, string? Detail,
    DateTimeOffset? NextAttemptAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt);
