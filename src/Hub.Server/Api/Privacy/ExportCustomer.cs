using System.Text.Json;
using Hub.Infrastructure.Persistence;
using Hub.Server.Api.Customers;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Privacy;

/// <summary>
/// <c>GET /api/customers/{id}/export</c>: everything the hub holds about the person, as one JSON document: the
/// master record, every statement behind its fields (consent history included), the whole timeline with each
/// touchpoint as received, the identity graph's links, merges, refused merges, and the record ids in connected systems.
/// </summary>
internal static class ExportCustomer
{
    public static async Task<IResult> HandleAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        if (await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) is { } survivor)
        {
            return MergedCustomers.MovedPermanently($"/api/customers/{survivor}/export");
        }
        var customer = await db.Customers.AsNoTracking().AsSplitQuery()
            .Include(c => c.Identifiers).Include(c => c.Fields)
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
        {
            return MergedCustomers.NotFound(id);
        }
        var customerIds = await db.Customers.AsNoTracking().Where(c => c.MergedIntoId == id).Select(c => (Guid?)c.Id).ToListAsync(cancellationToken);
        customerIds.Add(id);
        var timeline = await db.Timeline.AsNoTracking().Where(t => customerIds.Contains(t.CustomerId))
            .OrderBy(t => t.OccurredAt).ThenBy(t => t.TouchpointId).ToListAsync(cancellationToken);
        var touchpointIds = timeline.Select(t => t.TouchpointId).ToList();
        var links = await db.IdentityLinks.AsNoTracking().Where(l => touchpointIds.Contains(l.TouchpointId)).ToListAsync(cancellationToken);
        var merges = await db.CustomerMerges.AsNoTracking().Where(m => m.SurvivorId == id || m.MergedId == id).OrderBy(m => m.At).ToListAsync(cancellationToken);
        var conflicts = await db.IdentityConflicts.AsNoTracking().Where(c => c.CustomerId == id || c.OtherCustomerId == id).ToListAsync(cancellationToken);
        var systems = await db.SyncCheckpoints.AsNoTracking().Where(s => s.CustomerId == id).OrderBy(s => s.ConnectorInstanceId).ToListAsync(cancellationToken);
        return TypedResults.Ok(new
        {
            customer = CustomerView.From(customer),
            mergedCustomerIds = customerIds.Where(c => c != id),
            fieldStatements = customer.Observations.OrderBy(o => o.Field, StringComparer.Ordinal).ThenBy(o => o.LastObservedAt)
                .Select(o => new { field = o.Field, value = o.Value, source = o.Source, timesStated = o.Count, lastStatedAt = o.LastObservedAt }),
            timeline = timeline.Select(t => new
            {
                touchpointId = t.TouchpointId,
                connectorInstanceId = t.ConnectorInstanceId,
                sourceEventId = t.SourceEventId,
                channel = t.Channel,
                type = t.Type,
                direction = t.Direction,
                occurredAt = t.OccurredAt,
                receivedAt = t.ReceivedAt,
                summary = t.Summary,
                contentReference = t.ContentReference,
                withdrawn = t.Withdrawn,
                touchpoint = JsonDocument.Parse(t.Body).RootElement,
            }),
            identityLinks = links.Select(l => new { touchpointId = l.TouchpointId, type = l.Type, value = l.Value, occurredAt = l.OccurredAt }),
            merges = merges.Select(m => new { kind = m.Kind, survivorId = m.SurvivorId, mergedId = m.MergedId, at = m.At, actor = m.Actor, undoneAt = m.UndoneAt,
                mergedIdentifiers = JsonDocument.Parse(m.MergedIdentifiers).RootElement }),
            refusedMerges = conflicts.Select(c => new { c.CustomerId, c.OtherCustomerId, c.IdentifierType, c.IdentifierValue, c.Reason, c.CreatedAt }),
            connectedSystems = systems.Select(s => new { connectorInstanceId = s.ConnectorInstanceId, externalRecordId = s.ExternalRecordId, deliveredVersion = s.DeliveredVersion }),
        });
    }
}
