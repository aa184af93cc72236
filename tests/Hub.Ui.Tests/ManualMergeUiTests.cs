using System.Net;
using Hub.Testing.Servers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hub.Ui.Tests;

[Collection(UiHubCollection.Name)]
public sealed class ManualMergeUiTests(UiHub ui)
{
    [Fact]
    public async Task An_admin_merges_a_likely_duplicate_from_the_360_page_after_a_page_that_says_which_one_stays()
    {
        var sender = new SignedWebhookSender(ui.Hub.Client, UiHub.ConfiguredInstance, SignedWebhookSender.ExampleSecret);
        await SendAsync(sender, """{"type":"identify","messageId":"merge-ui-1","anonymousId":"merge-ui-a","traits":{"email":"dora.one@merge-ui.example","name":"Dora Merge","company":{"name":"Merge UI Co"}},"timestamp":"2026-11-01T10:00:00Z"}""");
        await ui.WaitForCustomerAsync("dora.one@merge-ui.example", TimeSpan.FromSeconds(30));
        await SendAsync(sender, """{"type":"identify","messageId":"merge-ui-2","anonymousId":"merge-ui-b","traits":{"email":"dora.two@merge-ui.example","name":"dora  merge","company":{"name":"MERGE UI CO"}},"timestamp":"2026-11-01T10:01:00Z"}""");
        await ui.WaitForCustomerAsync("dora.two@merge-ui.example", TimeSpan.FromSeconds(30));
        var older = await CustomerIdAsync("dora.one@merge-ui.example");
        var younger = await CustomerIdAsync("dora.two@merge-ui.example");

        var page = await ui.SignedInPageAsync();
        await page.GotoAsync($"/admin/customers/details/{younger}");
        await page.Locator($"li[data-duplicate='{older}']").GetByRole(AriaRole.Link, new() { Name = "merge", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Merge two customers");
        await Expect(page.Locator("[data-merge-side='survivor']")).ToContainTextAsync("dora.one@merge-ui.example");
        await Expect(page.Locator("[data-merge-side='merged']")).ToContainTextAsync("dora.two@merge-ui.example");
        await UiHub.ScreenshotAsync(page, "customer-merge");
        await page.GetByRole(AriaRole.Button, new() { Name = "Merge", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync($"{ui.Hub.BaseAddress}admin/customers/details/{older}");
        var history = page.Locator("section[aria-labelledby='merges'] tbody tr").Filter(new() { HasText = younger.ToString() });
        await Expect(history).ToContainTextAsync("merge:");
        await Expect(history).ToContainTextAsync(UiHub.AdminEmail);
        Assert.Equal(older, await CustomerIdAsync("dora.two@merge-ui.example"));
        await page.Context.CloseAsync();
    }

    private async Task<Guid> CustomerIdAsync(string email) =>
        Assert.Single((await ui.Hub.Client.GetFromJsonAsyncOrThrow($"api/customers?email={Uri.EscapeDataString(email)}")).EnumerateArray()).GetProperty("id").GetGuid();

    private static async Task SendAsync(SignedWebhookSender sender, string body)
    {
        using var response = await sender.SendAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
