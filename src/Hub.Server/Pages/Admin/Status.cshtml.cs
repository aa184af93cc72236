using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin;

/// <summary>
/// What an admin page answers without a body of its own (an unknown customer or connector instance, an address no page
/// has), in the admin layout: the browser shows a page, not the API's problem+json. Re-executed for any method, so a
/// form post that ends in 404 shows it too.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public int Code { get; private set; }

    public void OnGet(int code) => Code = code;

    public void OnPost(int code) => Code = code;
}
