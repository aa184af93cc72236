using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin.Customers;

/// <summary>
/// An admin says a likely duplicate on the 360 page is not the same person (the same <see cref="DuplicateDismissals"/> as
/// the REST API); the page comes back without the suggestion and with a short confirmation.
/// </summary>
public sealed class DismissModel(DuplicateDismissals dismissals) : PageModel
{
    public Guid CustomerId { get; private set; }

    public string? Problem { get; private set; }

    public IActionResult OnGet() => Redirect("/admin/customers");

    public async Task<IActionResult> OnPostAsync(Guid customerId, Guid otherCustomerId)
    {
        CustomerId = customerId;
        var result = await CustomerGraphTransactions.RetryLostRacesAsync(
            ct => dismissals.DismissAsync(customerId, otherCustomerId, null, User.Identity!.Name!, ct), HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case DismissalOutcome.Dismissed or DismissalOutcome.AlreadyDismissed:
                return Redirect($"/admin/customers/details/{customerId}?dismissed={otherCustomerId}");
            case DismissalOutcome.NotFound:
                return NotFound();
            default:
                Problem = $"{customerId} and {otherCustomerId} are one customer already: {result.CustomerId}.";
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
        }
    }
}
