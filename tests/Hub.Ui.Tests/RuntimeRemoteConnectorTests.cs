using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Microsoft.Playwright.Assertions;

namespace Hub.Ui.Tests;

/// <summary>
/// A remote connector added in the form: its replicas (one below a path), its webhook URL, its breaker state per
/// replica, a second instance with its token, and what an admin's browser makes of a page the connector serves.
/// </summary>
[Collection(UiHubCollection.Name)]
public sealed class RuntimeRemoteConnectorTests(UiHub ui) : IDisposable
{
    private const string Token = "remote-ui-connector-token-0123456789abcdef";
    private const string SigningSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Page = """<!doctype html><title>connector</title><script>document.title = 'ran'; fetch('/admin/users');</script>""";
    private readonly WireMockServer _prefixed = UiHub.StartAllowedServer();
    private readonly WireMockServer _plain = UiHub.StartAllowedServer();

    [Fact]
    public async Task A_remote_instance_keeps_its_replicas_path_shows_its_webhook_url_and_breakers_and_its_token_is_its_own()
    {
        foreach (var (server, basePath) in new[] { (_prefixed, "/prefix"), (_plain, "") })
        {
            server.Given(Request.Create().WithPath($"{basePath}/health")).RespondWith(Response.Create().WithStatusCode(200));
            server.Given(Request.Create().WithPath($"{basePath}/webhooks/helpdesk-ui/page")).RespondWith(Response.Create()
                .WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody(Page));
        }
        var prefixedAddress = $"{_prefixed.Url}/prefix/";
        var page = await ui.SignedInPageAsync();
        await page.GotoAsync("/admin/connectors/edit?kind=remote");
        await page.GetByLabel("Instance id").FillAsync("helpdesk-ui");
        await page.GetByLabel("Addresses").FillAsync($"{_plain.Url} {prefixedAddress}");
        await page.GetByLabel("Connector API token").FillAsync(Token);
        await page.GetByLabel("Sync signing secret").FillAsync(SigningSecret);

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{_plain.Url}/ answered 200; {prefixedAddress} answered 200");

        await page.GetByLabel("Connector API token").FillAsync(Token);
        await page.GetByLabel("Sync signing secret").FillAsync(SigningSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved. The instance is running.");
        var webhookUrl = new Uri(ui.Hub.BaseAddress, "webhooks/helpdesk-ui").ToString();
        await Expect(page.Locator("#webhook-url")).ToHaveValueAsync(webhookUrl);

        await page.GotoAsync("/admin/connectors");
        var row = page.Locator("tr[data-instance='helpdesk-ui']");
        await Expect(row).ToContainTextAsync(webhookUrl);
        // The connection test called both replicas: each has a breaker now, and the column reads them (not "unknown").
        await Expect(row.Locator("td[data-breaker]")).ToHaveAttributeAsync("data-breaker", "closed");

        await page.GotoAsync("/admin/connectors/edit?kind=remote");
        await page.GetByLabel("Instance id").FillAsync("helpdesk-ui-copy");
        await page.GetByLabel("Addresses").FillAsync(_plain.Url!);
        await page.GetByLabel("Connector API token").FillAsync(Token);
        await page.GetByLabel("Sync signing secret").FillAsync(SigningSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#option-Token-help + p.field-error")).ToHaveTextAsync(
            "'Token' is the same as another remote instance's; it tells the instances apart, so each needs its own.");
        await page.GotoAsync("/admin/connectors");
        await Expect(page.Locator("tr[data-instance='helpdesk-ui-copy']")).ToHaveCountAsync(0);

        // The admin's browser opens a page the connector serves on the hub's origin: it runs in no origin, without scripts.
        await page.GotoAsync("/webhooks/helpdesk-ui/page");
        Assert.Equal("null", await page.EvaluateAsync<string>("() => window.origin"));
        Assert.Equal("connector", await page.TitleAsync());
        var forwarded = _prefixed.LogEntries.Concat(_plain.LogEntries).Where(e => e.RequestMessage!.Path.EndsWith("/page", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(forwarded);
        Assert.All(forwarded, e => Assert.False(e.RequestMessage!.Headers!.ContainsKey("Cookie"), "The admin's cookie reached the connector."));

        // The hub is shared with the other UI tests: a sync target left behind would fail their customer changes.
        await page.GotoAsync("/admin/connectors/edit/helpdesk-ui");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete instance" }).ClickAsync();
        await Expect(page.Locator("tr[data-instance='helpdesk-ui']")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    public void Dispose()
    {
        _prefixed.Dispose();
        _plain.Dispose();
    }
}
