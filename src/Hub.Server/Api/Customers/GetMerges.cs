using System.Text.Json;
using Hub.Contracts.Identity;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Customers;

/// <summary>The merge history of a customer: automatic merges, admins' merges and splits, oldest first.</summary>
internal static class GetMerges
{
    public static async Task<IResult> HandleAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return MergedCustomers.NotFound(id);
        }
        var rows = await db.CustomerMerges.AsNoTracking().Where(m => m.SurvivorId == id || m.MergedId == id)
            .OrderBy(m => m.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(m => new MergeView(
            m.Kind, m.SurvivorId, m.MergedId, m.TouchpointId,
            JsonSerializer.Deserialize<List<CustomerIdentifier>>(m.MergedIdentifiers, JsonSerializerOptions.Web)!,
            m.Actor, m.At, m.UndoneAt)).ToList());
    }
}

internal sealed record MergeView(
    string Kind, Guid SurvivorId, Guid MergedId, Guid? TouchpointId, IReadOnlyList<CustomerIdentifier> MergedIdentifiers,
    string? Actor, DateTimeOffset At, DateTimeOffset? UndoneAt);
