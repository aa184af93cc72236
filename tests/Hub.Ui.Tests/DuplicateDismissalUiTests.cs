using System.Net;
using Hub.Testing.Servers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hub.Ui.Tests;

[Collection(UiHubCollection.Name)]
public sealed class DuplicateDismissalUiTests(UiHub ui)
{
    [Fact]
    public async Task An_admin_says_a_likely_duplicate_is_not_the_same_person_and_the_suggestion_is_gone_with_a_confirmation()
    {
        var sender = new SignedWebhookSender(ui.Hub.Client, UiHub.ConfiguredInstance, SignedWebhookSender.ExampleSecret);
        await SendAsync(sender, """{"type":"identify","messageId":"dismiss-ui-1","anonymousId":"dismiss-ui-a","traits":{"email":"noor.one@dismiss-ui.example","name":"Noor Dismiss","company":{"name":"Dismiss UI Co"}},"timestamp":"2026-11-01T10:00:00Z"}""");
        await ui.WaitForCustomerAsync("noor.one@dismiss-ui.example", TimeSpan.FromSeconds(30));
        await SendAsync(sender, """{"type":"identify","messageId":"dismiss-ui-2","anonymousId":"dismiss-ui-b","traits":{"email":"noor.two@dismiss-ui.example","name":"NOOR  DISMISS","company":{"name":"dismiss ui co"}},"timestamp":"2026-11-01T10:01:00Z"}""");
        await ui.WaitForCustomerAsync("noor.two@dismiss-ui.example", TimeSpan.FromSeconds(30));
        var one = await CustomerIdAsync("noor.one@dismiss-ui.example");
        var two = await CustomerIdAsync("noor.two@dismiss-ui.example");

        var page = await ui.SignedInPageAsync();
        await page.GotoAsync($"/admin/customers/details/{one}");
        var suggestion = page.Locator($"li[data-duplicate='{two}']");
        await Expect(suggestion).ToContainTextAsync("possible duplicate");
        await suggestion.GetByRole(AriaRole.Button, new() { Name = "Not the same person", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync($"{ui.Hub.BaseAddress}admin/customers/details/{one}?dismissed={two}");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is not the same person");
        await Expect(page.Locator($"li[data-duplicate='{two}']")).ToHaveCountAsync(0);
        // Nor on the other customer's page: the pair is dismissed whichever way round.
        await page.GotoAsync($"/admin/customers/details/{two}");
        await Expect(page.Locator($"li[data-duplicate='{one}']")).ToHaveCountAsync(0);
        // Not merged: two customers still.
        Assert.Equal(one, await CustomerIdAsync("noor.one@dismiss-ui.example"));
        Assert.Equal(two, await CustomerIdAsync("noor.two@dismiss-ui.example"));
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
