using System.Net;
using Hub.Testing.Servers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hub.Ui.Tests;

[Collection(UiHubCollection.Name)]
public sealed class RelationshipHealthUiTests(UiHub ui)
{
    [Fact]
    public async Task The_dashboard_lists_a_customer_waiting_for_a_reply_whose_360_page_shows_the_health_figures()
    {
        // Grace e-mailed two days ago and got an answer 30 minutes later; three hours ago she e-mailed again, unanswered.
        const string email = "grace.hopper@example.org";
        var now = DateTimeOffset.UtcNow;
        var sender = new SignedWebhookSender(ui.Hub.Client, UiHub.ConfiguredInstance, SignedWebhookSender.ExampleSecret);
        // Ada never gave a name: the list names her by her e-mail address, not by her id. She e-mailed two hours ago.
        const string ada = "ada.nameless@example.org";
        await SendAsync(sender, Touchpoint("health-ui-4", ada, "email.received", "inbound", now.AddHours(-2)), "application/cloudevents+json");
        await SendAsync(sender, """{"type":"identify","messageId":"health-ui-0","userId":"u-health-ui","traits":{"email":"grace.hopper@example.org","name":"Grace Hopper"},"timestamp":"2026-11-01T10:00:00Z"}""", "application/json");
        await SendAsync(sender, Touchpoint("health-ui-1", email, "email.received", "inbound", now.AddDays(-2)), "application/cloudevents+json");
        await SendAsync(sender, Touchpoint("health-ui-2", email, "email.sent", "outbound", now.AddDays(-2).AddMinutes(30)), "application/cloudevents+json");
        await SendAsync(sender, Touchpoint("health-ui-3", email, "email.received", "inbound", now.AddHours(-3)), "application/cloudevents+json");

        var page = await ui.SignedInPageAsync();
        var row = page.Locator("section[aria-labelledby='to-act-on'] tbody tr").Filter(new() { HasText = "Grace Hopper" });
        var adaRow = page.Locator("section[aria-labelledby='to-act-on'] tbody tr").Filter(new() { HasText = ada });
        for (var attempt = 0; attempt < 60 && (await row.Locator("td", new() { HasText = "3 h" }).CountAsync() == 0 || await adaRow.CountAsync() == 0); attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(500);
            }
            await page.GotoAsync("/admin/health");
        }
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Relationship health");
        await Expect(row).ToContainTextAsync("3 h");
        await Expect(adaRow.GetByRole(AriaRole.Link)).ToHaveTextAsync(ada);
        await Expect(page.Locator("[data-distribution='awaiting-reply'] dd").First).Not.ToHaveTextAsync("0");
        await Expect(page.Locator("[data-distribution='awaiting-reply'] dd").Nth(1)).Not.ToHaveTextAsync("0");
        await UiHub.ScreenshotAsync(page, "relationship-health");

        await row.GetByRole(AriaRole.Link, new() { Name = "Grace Hopper" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Grace Hopper");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Open cases" })).ToBeVisibleAsync();
        await Expect(page.Locator("section[aria-labelledby='open']")).ToContainTextAsync("No open CRM case.");
        var health = page.Locator("section[aria-labelledby='health']");
        await Expect(health.GetByRole(AriaRole.Heading, new() { Name = "Relationship health" })).ToBeVisibleAsync();
        await Expect(health.Locator("[data-figure='open-issues']")).ToContainTextAsync("1 (0 open cases, 1 unanswered message)");
        await Expect(health.Locator("[data-figure='waiting']")).ToContainTextAsync("for 3 h");
        await Expect(health.Locator("[data-figure='response-time']")).ToContainTextAsync("median 30 min, last 30 min");
        await Expect(health.Locator("[data-figure='contacts-started']")).ToContainTextAsync("customer 2, company 1");
        await Expect(health.Locator("[data-figure='complaint']")).ToHaveTextAsync("none open");
        await Expect(health.Locator("[data-figure='last-contact']")).ToContainTextAsync("less than a day ago (");
        await Expect(health.Locator("tr[data-channel='email']")).ToContainTextAsync("3 (2 / 1)");
        await Expect(health.GetByRole(AriaRole.Link, new() { Name = "How each figure is counted" })).ToHaveAttributeAsync("href", "/admin/health#definitions");
        await UiHub.ScreenshotAsync(health, "customer-360-health");

        // The 360 page shows what the API answers: the same code computes both.
        var customerId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var api = await ui.Hub.Client.GetFromJsonAsyncOrThrow($"api/customers/{customerId}/health");
        Assert.Equal(1800, api.GetProperty("responseTime").GetProperty("medianSeconds").GetInt64());
        Assert.Equal(1, api.GetProperty("openIssues").GetProperty("unansweredMessages").GetInt32());

        // Keyboard: Enter on the focused link in the list opens the customer.
        await page.GotoAsync("/admin/health");
        await row.GetByRole(AriaRole.Link).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Grace Hopper");

        // Ada's message waits: her response time says so, rather than that the company never answered anything.
        await page.GotoAsync("/admin/health");
        await adaRow.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.Locator("section[aria-labelledby='health'] [data-figure='response-time']")).ToHaveTextAsync("not answered yet");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_connector_list_shows_the_circuit_breaker_state_of_a_sync_target_the_hub_has_called()
    {
        // Signed in first: signing in writes to the database, which would queue behind the change's writes on SQLite.
        var page = await ui.SignedInPageAsync();

        // A customer change makes the hub call crm2's target address (refused by the outbound guard: not a transient
        // fault, so the breaker stays closed); before that call the hub does not know the breaker's state.
        using (var response = await new SignedWebhookSender(ui.Hub.Client, UiHub.ConfiguredInstance, SignedWebhookSender.ExampleSecret)
            .SendAsync(SignedWebhookSender.Identify(41, 100)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var breaker = page.Locator("tr[data-instance='crm2'] td[data-breaker]");
        // The first sync after the hub started can be slow on a busy machine (cold consumers, outbox polling): poll for it.
        await page.GotoAsync("/admin/connectors");
        for (var attempt = 0; attempt < 180 && await breaker.GetAttributeAsync("data-breaker") == "unknown"; attempt++)
        {
            await Task.Delay(500);
            await page.ReloadAsync();
        }
        await Expect(page.Locator("tr[data-instance='crm2'] td[data-breaker]")).ToHaveAttributeAsync("data-breaker", "closed");
        await Expect(page.Locator("tr[data-instance='crm2']")).ToContainTextAsync("closed");
        await Expect(page.Locator("tr[data-instance='crm1'] td[data-breaker]")).ToContainTextAsync("not a sync target");
        await page.Context.CloseAsync();
    }

    private static string Touchpoint(string id, string email, string type, string direction, DateTimeOffset at) => $$$"""
        {"specversion":"1.0","type":"io.hub.touchpoint","source":"https://helpdesk.example.com","id":"{{{id}}}","time":"{{{at:O}}}",
         "datacontenttype":"application/json",
         "data":{"channel":"email","type":"{{{type}}}","direction":"{{{direction}}}","identities":[{"type":"email","value":"{{{email}}}"}]}}
        """;

    private static async Task SendAsync(SignedWebhookSender sender, string json, string contentType)
    {
        // A 503 asks the source to retry (the broker did not confirm in time on a busy machine): retry like one.
        for (var attempt = 1; ; attempt++)
        {
            using var response = await sender.SendAsync(json, contentType: contentType);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 20)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return;
            }
            await Task.Delay(500);
        }
    }
}
