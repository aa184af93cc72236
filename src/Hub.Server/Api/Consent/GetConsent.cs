using Hub.Contracts.Consent;
using Hub.Infrastructure.Persistence;
using Hub.Server.Api.Customers;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Consent;

/// <summary>
/// <c>GET /api/customers/{id}/consent</c>: the consent in force per fact (status, when, who said so) and every
/// statement behind it (each source's last word and how often it said so).
/// </summary>
internal static class GetConsent
{
    public static async Task<IResult> HandleAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        if (await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) is { } survivor)
        {
            return MergedCustomers.MovedPermanently($"/api/customers/{survivor}/consent");
        }
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
        {
            return MergedCustomers.NotFound(id);
        }
        var current = await db.CustomerFields.AsNoTracking().Where(f => f.CustomerId == id && f.Name.StartsWith(ConsentFacts.Prefix))
            .OrderBy(f => f.Name).ToListAsync(cancellationToken);
        var history = customer.Observations.Where(o => o.Field.StartsWith(ConsentFacts.Prefix, StringComparison.Ordinal)).ToList();
        return TypedResults.Ok(current.Select(f => new ConsentView(
            f.Name, f.Value, f.ObservedAt, f.Source,
            [.. history.Where(o => o.Field == f.Name).OrderByDescending(o => o.LastObservedAt).Select(o => new ConsentStatementView(o.Value, o.Source, o.LastObservedAt, o.Count))]))
            .ToList());
    }
}

internal sealed record ConsentView(string Fact, string Status, DateTimeOffset StatedAt, string Source, IReadOnlyList<ConsentStatementView> Statements);

internal sealed record ConsentStatementView(string Status, string Source, DateTimeOffset LastStatedAt, int TimesStated);
