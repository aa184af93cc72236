using Hub.Contracts.Consent;
using Hub.Core.Identity;
using Hub.Infrastructure.Persistence;
using Hub.Server.Api.Customers;
using Hub.Server.Api.RelationshipHealth;
using Hub.Infrastructure.RelationshipHealth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Context;

/// <summary>
/// <c>GET /api/context?phone=...</c> (or <c>email=</c>, <c>customerId=</c>): the agent desktop's one call when
/// a customer gets in touch. Every query walks the timeline index (CustomerId, OccurredAt, TouchpointId) of one
/// customer: the newest entries, the entries of the last 90 days grouped by channel, the channels used, and the
/// customer's case entries for the open issues. Last contacts are the relationship health's (a contact as
/// docs/relationship-health.md defines it), so the metrics and the health never disagree. Consent comes from the master record (<c>consent.*</c> facts, keyed here
/// without the prefix: <c>sms</c>, <c>email.marketing</c>).
/// </summary>
internal static class GetCustomerContext
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;
    public static readonly TimeSpan FrequencyWindow = TimeSpan.FromDays(90);

    public static async Task<Results<Ok<CustomerContext>, ProblemHttpResult>> HandleAsync(
        string? phone, string? email, Guid? customerId, int? limit,
        IdentifierNormalizer normalizer, HubDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid context request", detail: $"'limit' must be between 1 and {MaxLimit}.");
        }
        var (id, matchedBy, problem) = await ContextSubject.FindAsync(customerId, phone, email, normalizer, db, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var customer = id is null ? null : await db.Customers.AsNoTracking().AsSplitQuery()
            .Include(c => c.Identifiers).Include(c => c.Fields)
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Customer not found",
                detail: $"No customer is known by that {matchedBy}.");
        }
        var timeline = db.Timeline.AsNoTracking().Where(t => t.CustomerId == customer.Id);
        var latest = await timeline.OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.TouchpointId)
            .Take(take).ToListAsync(cancellationToken);
        var since = time.GetUtcNow() - FrequencyWindow;
        var recent = await timeline.Where(t => t.OccurredAt >= since)
            .GroupBy(t => t.Channel).Select(g => new { Channel = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Channel, g => g.Count, cancellationToken);
        var used = await timeline.Select(t => t.Channel).Distinct().ToListAsync(cancellationToken);
        var health = await CustomerHealthReader.ReadAsync(db, customer.Id, cancellationToken);
        var lastContacts = health.Channels.ToDictionary(c => c.Channel, c => c.LastContactAt, StringComparer.Ordinal);
        var channels = used
            .Select(c => new ChannelActivity(c, lastContacts.TryGetValue(c, out var at) ? at : null, recent.GetValueOrDefault(c)))
            .OrderByDescending(c => c.LastContactAt).ThenBy(c => c.Channel, StringComparer.Ordinal)
            .ToList();
        var view = CustomerView.From(customer);
        var openIssues = await OpenIssues.OfAsync(db, customer.Id, cancellationToken);
        return TypedResults.Ok(new CustomerContext(
            matchedBy,
            view,
            [.. latest.Select(ContextTouchpoint.From)],
            openIssues,
            view.Fields.Where(f => ConsentFacts.IsConsent(f.Key)).ToDictionary(f => f.Key[ConsentFacts.Prefix.Length..], f => f.Value),
            new RelationshipMetrics(health.LastContactAt, (int)FrequencyWindow.TotalDays, recent.Values.Sum(), channels),
            CustomerHealthView.From(customer.Id, health, time.GetUtcNow())));
    }
}
