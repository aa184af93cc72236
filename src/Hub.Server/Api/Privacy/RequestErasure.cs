using Hub.Infrastructure.Erasure;
using Hub.Infrastructure.Persistence;
using Hub.Server.Api.Customers;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Privacy;

/// <summary>
/// <c>POST /api/customers/{id}/erasure</c>: forgets the customer (and the customers merged into it) in the hub at once (one
/// transaction) and queues the erasure at every connected system that supports it; answers 202 with the per-system
/// status. A merged id erases its survivor. Asking again for an erased customer answers the erasure that was made: 200,
/// or 202 when systems that had refused it (<c>failed</c>) were put back to <c>pending</c>, named in <c>redispatched</c>.
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
            var view = await ErasureView.LoadAsync(db, request.Id, [], cancellationToken);
            return TypedResults.Accepted($"/api/customers/{customerId}/erasure", view);
        }
        if (await ErasureView.RequestOfAsync(db, customerId, cancellationToken) is not { } earlier)
        {
            return MergedCustomers.NotFound(id);
        }
        var redispatched = await eraser.RedispatchFailedAsync(earlier, cancellationToken);
        var answer = await ErasureView.LoadAsync(db, earlier, redispatched, cancellationToken);
        return redispatched.Count > 0 ? TypedResults.Accepted($"/api/customers/{answer.CustomerId}/erasure", answer) : TypedResults.Ok(answer);
    }
}

/// <summary>
/// <c>GET /api/customers/{id}/erasure</c>: who asked and when, and how each connected system is doing. A merged id (before
/// or after the erasure) answers 301 to its survivor's.
/// </summary>
internal static class GetErasure
{
    public static async Task<IResult> HandleAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        if (await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) is { } survivor)
        {
            return MergedCustomers.MovedPermanently($"/api/customers/{survivor}/erasure");
        }
        if (await ErasureView.RequestOfAsync(db, id, cancellationToken) is not { } found)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No erasure", detail: $"Customer {id} was not erased.");
        }
        var view = await ErasureView.LoadAsync(db, found, [], cancellationToken);
        return view.CustomerId == id ? TypedResults.Ok(view) : MergedCustomers.MovedPermanently($"/api/customers/{view.CustomerId}/erasure");
    }
}

/// <summary>An erasure and how each system is doing with it, with the erasures of the customers merged into the erased one.</summary>
internal sealed record ErasureView(
    Guid ErasureRequestId, Guid CustomerId, string RequestedBy, DateTimeOffset RequestedAt, int ErasedIdentifiers,
    string Status, DateTimeOffset? CompletedAt, IReadOnlyList<ErasureTargetView> Targets, IReadOnlyList<MergedCustomerErasureView> MergedCustomers,
    IReadOnlyList<string> Redispatched)
{
    /// <summary>The latest erasure of the customer; for a customer erased as merged into another, the survivor's.</summary>
    public static async Task<Guid?> RequestOfAsync(HubDbContext db, Guid customerId, CancellationToken cancellationToken)
    {
        var latest = await db.ErasureRequests.AsNoTracking().Where(r => r.CustomerId == customerId).OrderByDescending(r => r.RequestedAt)
            .Select(r => new { r.Id, r.SurvivorRequestId }).FirstOrDefaultAsync(cancellationToken);
        return latest?.SurvivorRequestId ?? latest?.Id;
    }

    public static async Task<ErasureView> LoadAsync(HubDbContext db, Guid requestId, IReadOnlyList<string> redispatched, CancellationToken cancellationToken) =>
        (await LoadManyAsync(db, [requestId], redispatched, cancellationToken))[0];

    /// <summary>The erasures <paramref name="requestIds"/>, in that order, read in one query with their merged customers'.</summary>
    public static async Task<List<ErasureView>> LoadManyAsync(
        HubDbContext db, IReadOnlyList<Guid> requestIds, IReadOnlyList<string> redispatched, CancellationToken cancellationToken)
    {
        var ids = requestIds.ToList();
        var rows = await db.ErasureRequests.AsNoTracking().Include(r => r.Targets)
            .Where(r => ids.Contains(r.Id) || (r.SurvivorRequestId != null && ids.Contains(r.SurvivorRequestId.Value))).ToListAsync(cancellationToken);
        return [.. ids.Select(id => From(id, [.. rows.Where(r => r.Id == id || r.SurvivorRequestId == id)], redispatched))];
    }

    private static ErasureView From(Guid requestId, List<ErasureRequestRow> requests, IReadOnlyList<string> redispatched)
    {
        var request = requests.Single(r => r.Id == requestId);
        var merged = requests.Where(r => r.Id != requestId).OrderBy(r => r.CustomerId)
            .Select(r => new MergedCustomerErasureView(r.Id, r.CustomerId, r.ErasedIdentifiers, StatusOf(r.Targets), r.CompletedAt, TargetViews(r)))
            .ToList();
        return new ErasureView(request.Id, request.CustomerId, request.RequestedBy, request.RequestedAt, request.ErasedIdentifiers,
            StatusOf([.. requests.SelectMany(r => r.Targets)]), merged.TrueForAll(m => m.CompletedAt is not null) ? request.CompletedAt : null,
            TargetViews(request), merged, redispatched);
    }

    private static List<ErasureTargetView> TargetViews(ErasureRequestRow request) =>
        [.. request.Targets.OrderBy(t => t.ConnectorInstanceId, StringComparer.Ordinal)
            .Select(t => new ErasureTargetView(t.ConnectorInstanceId, t.Status, t.Attempts, t.LastError, t.Detail,
                t.Status is ErasureStatus.Pending or ErasureStatus.Retrying ? t.NextAttemptAt : null, t.UpdatedAt, t.CompletedAt))];

    private static string StatusOf(IReadOnlyCollection<ErasureTargetRow> targets) =>
        targets.Any(t => t.Status == ErasureStatus.Failed) ? ErasureStatus.Failed
            : targets.All(t => t.Status == ErasureStatus.Done) ? ErasureStatus.Done : ErasureStatus.Pending;
}

/// <summary>The erasure of one customer that had been merged into the erased one, at each system.</summary>
internal sealed record MergedCustomerErasureView(
    Guid ErasureRequestId, Guid CustomerId, int ErasedIdentifiers, string Status, DateTimeOffset? CompletedAt, IReadOnlyList<ErasureTargetView> Targets);

internal sealed record ErasureTargetView(
    string ConnectorInstanceId, string Status, int Attempts, string? LastError, string? Detail,
    DateTimeOffset? NextAttemptAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt);
