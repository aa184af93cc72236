using System.Net;
using System.Net.Http.Headers;
using Hub.Infrastructure.Audit;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hub.Ui.Tests;

/// <summary>
/// An admin creates an API key with scopes on the API keys page, sees it once, a client uses it within its scopes (and
/// gets 403 outside them), the admin revokes it and the client gets 401; both changes are in the audit log. The
/// configured key is listed read-only, and neither key nor hash ever appears in the list.
/// </summary>
[Collection(UiHubCollection.Name)]
public sealed class ApiKeysPageTests(UiHub ui)
{
    [Fact]
    public async Task A_key_created_here_is_shown_once_works_within_its_scopes_and_stops_at_once_when_revoked()
    {
        var name = $"twilio-{Guid.NewGuid():N}"[..20];
        var admin = await ui.SignedInPageAsync();
        await admin.GotoAsync("/admin/apikeys");
        await Expect(admin.Locator("tr[data-key='tests'] td").Nth(1)).ToHaveTextAsync("configuration");
        await Expect(admin.Locator("tr[data-key='tests']")).ToContainTextAsync("remove it from the configuration");
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Revoke tests", Exact = true })).ToHaveCountAsync(0);

        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await admin.GetByRole(AriaRole.Checkbox, new() { Name = "context:read" }).CheckAsync();
        await admin.GetByRole(AriaRole.Checkbox, new() { Name = "customers:read" }).CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create key", Exact = true }).ClickAsync();
        var shown = admin.GetByLabel("The new API key");
        await Expect(shown).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^hub_"));
        await Expect(admin.GetByText("it is shown only this once")).ToBeVisibleAsync();
        var key = await shown.InputValueAsync();
        await Expect(admin.Locator($"tr[data-key='{name}'] td").Nth(2)).ToHaveTextAsync("context:read, customers:read");
        await UiHub.ScreenshotAsync(admin, "api-keys");

        using var client = new HttpClient { BaseAddress = ui.Hub.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client.GetAsync(new Uri("api/customers?email=nobody@example.com", UriKind.Relative))));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client.PostAsync(new Uri("api/operations/failed-messages/replay", UriKind.Relative), null)));

        // Shown once: the list page never shows it again.
        await admin.GotoAsync("/admin/apikeys");
        await Expect(admin.GetByLabel("The new API key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await admin.ContentAsync(), StringComparison.Ordinal);

        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"Key {name} revoked");
        await Expect(admin.Locator($"tr[data-key='{name}']")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client.GetAsync(new Uri("api/customers?email=nobody@example.com", UriKind.Relative))));

        await admin.GotoAsync($"/admin/operations/audit?subject={Uri.EscapeDataString(name)}");
        foreach (var action in new[] { AuditActions.ApiKeyCreated, AuditActions.ApiKeyRevoked })
        {
            await Expect(admin.Locator("tbody tr", new() { HasText = action })).ToContainTextAsync(UiHub.AdminEmail);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return response.StatusCode;
    }
}
