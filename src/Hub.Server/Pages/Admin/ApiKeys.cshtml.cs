using Hub.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin;

/// <summary>
/// API keys: every key the hub accepts with where it comes from and its scopes (never the key or its hash); create a
/// stored key, shown once; revoke a stored key. Configured keys are read-only here.
/// </summary>
public sealed class ApiKeysModel(ApiKeyStore store, ApiKeyAdministration administration) : PageModel
{
    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public string? Notice { get; private set; }

    /// <summary>The key just created, shown on this response only.</summary>
    public string? CreatedKey { get; private set; }

    public string? CreatedName { get; private set; }

    public async Task OnGetAsync(string? notice)
    {
        Notice = notice;
        await store.LoadAsync(HttpContext.RequestAborted);
        Keys = store.Keys;
    }

    public async Task<IActionResult> OnPostAsync(string? name, string[]? scopes)
    {
        var created = await administration.CreateAsync(name, scopes ?? [], User.Identity!.Name!, HttpContext.RequestAborted);
        Keys = store.Keys;
        if (created.Key is null)
        {
            Problems = created.Problems;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        // The key is in this response only: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        CreatedKey = created.Key;
        CreatedName = name!.Trim();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? name)
    {
        var problems = await administration.RevokeAsync(name, User.Identity!.Name!, HttpContext.RequestAborted);
        if (problems.Count == 0)
        {
            return Redirect("/admin/apikeys?notice=" + Uri.EscapeDataString($"Key {name} revoked; it no longer works."));
        }
        Problems = problems;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Keys = store.Keys;
        return Page();
    }

    public static string SourceText(ApiKeySource source) => source switch
    {
        ApiKeySource.Configuration => "configuration",
        ApiKeySource.Generated => "generated at first start",
        _ => "created here",
    };
}
