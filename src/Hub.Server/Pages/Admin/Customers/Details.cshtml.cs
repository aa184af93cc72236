using Hub.Contracts.Consent;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Server.Api.Customers;
using Hub.Server.Api.RelationshipHealth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Pages.Admin.Customers;

/// <summary>
/// The customer 360 page: who they are (master record with each field's source), what happened on every channel lately,
/// what is still open, their relationship health (the same figures as <c>GET /api/customers/{id}/health</c>), their consent,
/// where the record is synced, and how the record came together (merges, splits, refused merges, likely duplicates).
/// </summary>
public sealed class DetailsModel(HubDbContext db, DuplicateSuggestions suggestions, ConnectorInstances instances, TimeProvider time) : PageModel
{
    public const int PageSize = 50;

    public CustomerRow Customer { get; private set; } = null!;

    public string DisplayName { get; private set; } = "";

    public string? Channel { get; private set; }

    public IReadOnlyList<string> Channels { get; private set; } = [];

    public IReadOnlyList<TimelineEntryRow> Timeline { get; private set; } = [];

    public bool MoreTimeline { get; private set; }

    public IReadOnlyList<(string? Reference, string? Summary, string Instance, DateTimeOffset OpenedAt, DateTimeOffset LastChangedAt)> OpenIssues { get; private set; } = [];

    public CustomerHealthView Health { get; private set; } = null!;

    public IReadOnlyList<CustomerFieldRow> Consent { get; private set; } = [];

    public IReadOnlyList<CustomerFieldRow> Fields { get; private set; } = [];

    /// <summary>Every sync target and every system holding the customer, as <c>GET /api/customers/{id}/sync</c> lists them.</summary>
    internal IReadOnlyList<SyncStatusView> Sync { get; private set; } = [];

    public IReadOnlyList<CustomerMergeRow> Merges { get; private set; } = [];

    public IReadOnlyList<IdentityConflictRow> Conflicts { get; private set; } = [];

    public IReadOnlyList<DuplicateSuggestion> Duplicates { get; private set; } = [];

    /// <summary>The customer an admin just said is not the same person as this one (the page after the dismissal).</summary>
    public Guid? DismissedCustomerId { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? channel, int? limit, Guid? dismissed)
    {
        var cancel = HttpContext.RequestAborted;
        if (await MergedCustomers.SurvivorOfAsync(db, id, cancel) is { } survivor)
        {
            return Redirect($"/admin/customers/details/{survivor}");
        }
        var customer = await db.Customers.AsNoTracking().AsSplitQuery().Include(c => c.Identifiers).Include(c => c.Fields)
            .FirstOrDefaultAsync(c => c.Id == id, cancel);
        if (customer is null)
        {
            return NotFound();
        }
        Customer = customer;
        DisplayName = CustomerSummary.DisplayNameOf(customer);
        Fields = [.. customer.Fields.Where(f => !ConsentFacts.IsConsent(f.Name)).OrderBy(f => f.Name)];
        Consent = [.. customer.Fields.Where(f => ConsentFacts.IsConsent(f.Name)).OrderBy(f => f.Name)];
        var timeline = db.Timeline.AsNoTracking().Where(t => t.CustomerId == id);
        Channels = [.. (await timeline.Select(t => t.Channel).Distinct().ToListAsync(cancel)).Order()];
        Channel = channel is not null && Channels.Contains(channel) ? channel : null;
        if (Channel is not null)
        {
            timeline = timeline.Where(t => t.Channel == Channel);
        }
        var take = Math.Clamp(limit ?? PageSize, 1, 1000);
        var entries = await timeline.OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.TouchpointId).Take(take + 1).ToListAsync(cancel);
        MoreTimeline = entries.Count > take;
        Timeline = [.. entries.Take(take)];
        OpenIssues = [.. (await Api.Context.OpenIssues.OfAsync(db, id, cancel)).Select(i => (i.Reference, i.Summary, i.ConnectorInstanceId, i.OpenedAt, i.LastChangedAt))];
        Health = await GetCustomerHealth.ReadAsync(db, id, time.GetUtcNow(), cancel);
        Sync = await GetSyncStatus.ReadAsync(db, instances, id, customer.Version, cancel);
        Merges = await db.CustomerMerges.AsNoTracking().Where(m => m.SurvivorId == id || m.MergedId == id).OrderByDescending(m => m.At).ToListAsync(cancel);
        Conflicts = await db.IdentityConflicts.AsNoTracking().Where(c => c.CustomerId == id || c.OtherCustomerId == id)
            .OrderByDescending(c => c.Id).Take(50).ToListAsync(cancel);
        Duplicates = await suggestions.ForCustomerAsync(id, cancel);
        DismissedCustomerId = dismissed;
        return Page();
    }

    public static string Icon(string channel) => channel switch
    {
        "phone" => "☎",
        "sms" => "✉︎",
        "email" => "@",
        "social" => "#",
        "crm" => "▣",
        "web" => "◎",
        _ => "•",
    };
}
