using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// The outcome of resolution in a form that ignores ids, to compare two runs: each current customer as its
/// identifiers, fields and touchpoints (a customer with none of one shows an empty part), in a fixed order.
/// </summary>
internal static class CustomerGraphShape
{
    public static async Task<List<string>> OfAsync(HubDbContext db)
    {
        var customers = await db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null)
            .Include(c => c.Identifiers).Include(c => c.Fields).AsSplitQuery().ToListAsync();
        var timeline = await db.Timeline.AsNoTracking().Select(t => new { t.CustomerId, t.SourceEventId }).ToListAsync();
        return [.. customers.Select(c =>
                string.Join(",", c.Identifiers.Select(i => $"{i.Type}:{i.Value}").Order(StringComparer.Ordinal)) + " | " +
                string.Join(",", c.Fields.Select(f => $"{f.Name}={f.Value}").Order(StringComparer.Ordinal)) + " | " +
                string.Join(",", timeline.Where(t => t.CustomerId == c.Id).Select(t => t.SourceEventId).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal)];
    }
}
