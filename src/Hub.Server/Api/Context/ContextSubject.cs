using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Infrastructure.Persistence;
using Hub.Server.Api.Customers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Context;

/// <summary>
/// Whom a context request is about: <c>customerId</c> (a merged id counts as its survivor), else <c>phone</c>,
/// else <c>email</c>, normalized the way identities are, and found through the identifier's primary key.
/// </summary>
internal static class ContextSubject
{
    public static async Task<(Guid? CustomerId, string MatchedBy, ProblemHttpResult? Problem)> FindAsync(
        Guid? customerId, string? phone, string? email, IdentifierNormalizer normalizer, HubDbContext db, CancellationToken cancellationToken)
    {
        if (customerId is { } id)
        {
            var survivor = await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) ?? id;
            var known = await db.Customers.AsNoTracking().AnyAsync(c => c.Id == survivor && c.MergedIntoId == null, cancellationToken);
            return (known ? survivor : null, "customerId", null);
        }
        var (type, value) = !string.IsNullOrWhiteSpace(phone) ? (IdentifierTypes.Phone, PhoneQueryParameter.WithPlusRestored(phone))
            : !string.IsNullOrWhiteSpace(email) ? (IdentifierTypes.Email, email)
            : (null, null);
        if (type is null)
        {
            return (null, "", Invalid("Give 'phone', 'email' or 'customerId' as a query parameter."));
        }
        var normalized = normalizer.Normalize(new CustomerIdentifier(type, value!));
        if (normalized.Identifier is not { } identifier)
        {
            return (null, type, Invalid($"'{value}' cannot be looked up as {type}: {normalized.Problem}."));
        }
        var owner = await db.CustomerIdentifiers.AsNoTracking()
            .Where(i => i.Value == identifier.Value && i.Type == identifier.Type)
            .Select(i => (Guid?)i.CustomerId).FirstOrDefaultAsync(cancellationToken);
        return (owner, type, null);
    }

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid context request", detail: detail);
}
