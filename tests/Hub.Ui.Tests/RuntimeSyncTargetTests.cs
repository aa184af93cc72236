using System.Net;
using Hub.Testing.Servers;
using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Microsoft.Playwright.Assertions;

namespace Hub.Ui.Tests;

[Collection(UiHubCollection.Name)]
public sealed class RuntimeSyncTargetTests(UiHub ui) : IDisposable
{
    private const string TargetSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly WireMockServer _crm = UiHub.StartAllowedServer();

    [Fact]
    public async Task A_sync_target_added_in_the_ui_passes_its_connection_test_gets_changes_without_a_restart_and_none_once_disabled()
    {
        _crm.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
        var page = await ui.SignedInPageAsync();
        await page.GotoAsync("/admin/connectors/edit?kind=webhooks");
        await page.GetByLabel("Instance id").FillAsync("erp");
        await page.GetByLabel("Signing secret(s)").FillAsync(TargetSecret);
        await page.GetByLabel("Target URL").FillAsync($"{_crm.Url}/hub-events");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved. The instance is running.");

        await SendCustomerAsync(41);
        Assert.True(await DeliveredAsync("person41@example.com", TimeSpan.FromSeconds(60)), "The new target got no change for the new customer.");

        await page.GotoAsync("/admin/connectors/edit/erp");
        await Expect(page.GetByLabel("Signing secret(s)")).ToHaveValueAsync("");
        await Expect(page.GetByLabel("Signing secret(s)")).ToHaveAttributeAsync("placeholder", "stored: leave empty to keep it");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Test connection: OK. The target answered 200.");
        await page.GetByLabel("Enabled").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The instance is disabled.");
        await SendCustomerAsync(42);
        // The customer reaching the timeline proves the change was published; the disabled target must not get it.
        await ui.WaitForCustomerAsync("person42@example.com", TimeSpan.FromSeconds(60));
        Assert.False(await DeliveredAsync("person42@example.com", TimeSpan.FromSeconds(3)), "A disabled target still got a change.");
        await page.Context.CloseAsync();
    }

    public void Dispose() => _crm.Dispose();

    private async Task SendCustomerAsync(int person)
    {
        using var response = await new SignedWebhookSender(ui.Hub.Client, UiHub.ConfiguredInstance, SignedWebhookSender.ExampleSecret)
            .SendAsync(SignedWebhookSender.Identify(person, 1000));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<bool> DeliveredAsync(string email, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_crm.LogEntries.Any(e => e.RequestMessage?.Body?.Contains(email, StringComparison.Ordinal) == true))
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }
}
