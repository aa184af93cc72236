using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Microsoft.Playwright.Assertions;

namespace Hub.Ui.Tests;

/// <summary>An X account in polling mode added in the admin UI polls at once, follows an edit, and stops when disabled: no restart.</summary>
[Collection(UiHubCollection.Name)]
public sealed class RuntimePollingSourceTests(UiHub ui) : IDisposable
{
    private const string Account = "1102497772336161459";
    private const string MentionsPath = $"/2/users/{Account}/mentions";
    private readonly WireMockServer _x = UiHub.StartAllowedServer();

    [Fact]
    public async Task A_polling_source_added_in_the_ui_polls_without_a_restart_follows_an_edit_and_stops_once_disabled()
    {
        _x.Given(Request.Create().WithPath(MentionsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Sample("v2-mentions-page1.json")));
        var page = await ui.SignedInPageAsync();
        await page.GotoAsync("/admin/connectors/edit?kind=twitter");
        await page.GetByLabel("Instance id").FillAsync("xpoll");
        await page.GetByLabel("Consumer secret (API key secret)").FillAsync("hub-test-consumer-secret");
        await page.GetByLabel("Bearer token").FillAsync("app-bearer-token");
        await page.GetByLabel("Account user id").FillAsync(Account);
        await page.GetByLabel("Mode", new() { Exact = true }).FillAsync("polling");
        await page.GetByLabel("API base URL").FillAsync(_x.Url!);
        await page.GetByLabel("Poll interval (seconds)").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved. The instance is running.");

        Assert.True(await PolledAsync(MentionsPath, TimeSpan.FromSeconds(30)), "The new polling source did not poll X.");

        // An edit restarts the loop with the new settings: the next polls carry the new bearer token.
        await page.GotoAsync("/admin/connectors/edit/xpoll");
        await page.GetByLabel("Bearer token").FillAsync("rotated-bearer-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved. The instance is running.");
        Assert.True(await PolledAsync("Bearer rotated-bearer-token", TimeSpan.FromSeconds(30)), "The edited source did not poll with its new token.");

        await page.GotoAsync("/admin/connectors/edit/xpoll");
        await page.GetByLabel("Enabled").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The instance is disabled.");
        // A poll already under way when the change landed may still finish; after that, none.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var polls = _x.LogEntries.Count();
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(polls, _x.LogEntries.Count());
        await page.Context.CloseAsync();
    }

    public void Dispose() => _x.Dispose();

    /// <summary>Whether X got a request whose path or authorization header contains <paramref name="marker"/> within the time.</summary>
    private async Task<bool> PolledAsync(string marker, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_x.LogEntries.Any(e => e.RequestMessage!.Path == MentionsPath
                && (marker == MentionsPath || (e.RequestMessage.Headers!.TryGetValue("Authorization", out var auth) && auth.Contains(marker)))))
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "twitter", name));
}
