using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Customers;

internal static class FindCustomers
{
    public static async Task<Results<Ok<List<CustomerView>>, ProblemHttpResult>> HandleAsync(
        string? email, string? phone, IdentifierNormalizer normalizer, HubDbContext db, CancellationToken cancellationToken)
    {
        var wanted = new List<CustomerIdentifier>();
        phone = phone is null ? null : PhoneQueryParameter.WithPlusRestored(phone);
        foreach (var identifier in new[] { (IdentifierTypes.Email, email), (IdentifierTypes.Phone, phone) }.Where(p => !string.IsNullOrWhiteSpace(p.Item2)))
        {
            var normalized = normalizer.Normalize(new CustomerIdentifier(identifier.Item1, identifier.Item2!));
            if (normalized.Identifier is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid search",
                    detail: $"'{identifier.Item2}' cannot be searched for as {identifier.Item1}: {normalized.Problem}.");
            }
            wanted.Add(normalized.Identifier);
        }
        if (wanted.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid search",
                detail: "Give 'email' or 'phone' (or both) as query parameters.");
        }
        var values = wanted.Select(w => w.Value).ToList();
        var ids = (await db.CustomerIdentifiers.AsNoTracking().Where(i => values.Contains(i.Value)).ToListAsync(cancellationToken))
            .Where(i => wanted.Contains(new CustomerIdentifier(i.Type, i.Value)))
            .Select(i => i.CustomerId).Distinct().ToList();
        var customers = await db.Customers.AsNoTracking().AsSplitQuery()
            .Include(c => c.Identifiers).Include(c => c.Fields)
            .Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken);
        return TypedResults.Ok(customers.OrderBy(c => c.CreatedAt).Select(CustomerView.From).ToList());
    }
}
