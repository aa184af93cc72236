using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin.Customers;

/// <summary>An admin undoes a merge from the 360 page (the same <see cref="CustomerSplitter"/> as the REST API).</summary>
public sealed class SplitModel(CustomerSplitter splitter) : PageModel
{
    public Guid CustomerId { get; private set; }

    public string? Problem { get; private set; }

    public IActionResult OnGet() => Redirect("/admin/customers");

    public async Task<IActionResult> OnPostAsync(Guid customerId, Guid mergedCustomerId)
    {
        CustomerId = customerId;
        var result = await CustomerGraphTransactions.RetryLostRacesAsync(
            ct => splitter.SplitAsync(customerId, mergedCustomerId, User.Identity!.Name!, ct), HttpContext.RequestAborted);
        if (result.Done)
        {
            return Redirect($"/admin/customers/details/{customerId}");
        }
        Problem = result.Problem;
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }
}
