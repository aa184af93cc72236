using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Server.Api.Customers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Pages.Admin.Customers;

/// <summary>
/// An admin merges a likely duplicate from the 360 page: the page shows both customers and which one survives, the
/// post merges them (the same <see cref="CustomerMerger"/> as the REST API).
/// </summary>
public sealed class MergeModel(HubDbContext db, CustomerMerger merger) : PageModel
{
    /// <summary>The customer whose 360 page the admin came from.</summary>
    public Guid CustomerId { get; private set; }

    public Guid OtherCustomerId { get; private set; }

    /// <summary>The older of the two, which stays; the other's id leads to it from now on.</summary>
    public CustomerRow Survivor { get; private set; } = null!;

    public CustomerRow Merged { get; private set; } = null!;

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid customerId, Guid otherCustomerId)
    {
        var cancel = HttpContext.RequestAborted;
        CustomerId = customerId;
        OtherCustomerId = otherCustomerId;
        var first = await CurrentAsync(customerId, cancel);
        var second = await CurrentAsync(otherCustomerId, cancel);
        if (first is null || second is null)
        {
            return NotFound();
        }
        if (first.Id == second.Id)
        {
            Problem = $"{customerId} and {otherCustomerId} are one customer already: {first.Id}.";
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        (Survivor, Merged) = first.CreatedAt < second.CreatedAt || (first.CreatedAt == second.CreatedAt && first.Id.CompareTo(second.Id) < 0)
            ? (first, second) : (second, first);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid customerId, Guid otherCustomerId)
    {
        CustomerId = customerId;
        OtherCustomerId = otherCustomerId;
        var result = await CustomerGraphTransactions.RetryLostRacesAsync(
            ct => merger.MergeAsync(customerId, otherCustomerId, User.Identity!.Name!, ct), HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case ManualMergeOutcome.Merged:
                return Redirect($"/admin/customers/details/{result.SurvivorId}");
            case ManualMergeOutcome.NotFound:
                return NotFound();
            default:
                Problem = result.Problem;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
        }
    }

    private async Task<CustomerRow?> CurrentAsync(Guid id, CancellationToken cancel)
    {
        var current = await MergedCustomers.SurvivorOfAsync(db, id, cancel) ?? id;
        return await db.Customers.AsNoTracking().AsSplitQuery().Include(c => c.Identifiers).Include(c => c.Fields)
            .FirstOrDefaultAsync(c => c.Id == current && c.MergedIntoId == null, cancel);
    }
}
