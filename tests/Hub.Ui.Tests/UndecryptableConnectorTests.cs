using System.Net;
using Hub.Testing.Servers;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hub.Ui.Tests;

/// <summary>
/// The key-encryption key was lost and, as docs/operations.md says, the rows of <c>data_protection_keys</c> deleted: the
/// stored connectors' secrets cannot be decrypted. The list says so, the edit page opens with the other settings and asks
/// for the secret again (Test connection and Save refuse without it), Save with a new secret runs the instance again, and Delete works.
/// Its own hub (the shared one must keep its keys), the shared browser.
/// </summary>
[Collection(UiHubCollection.Name)]
public sealed class UndecryptableConnectorTests(UiHub ui) : IAsyncLifetime
{
    private const string LostSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private const string NewSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-lostkey-").FullName;
    private HubProcess _hub = null!;

    private Dictionary<string, string> Settings { get; } = new()
    {
        ["Hub:Admin:Email"] = UiHub.AdminEmail,
        ["Hub:Admin:Password"] = UiHub.AdminPassword,
    };

    public async Task InitializeAsync() => _hub = await HubProcess.StartAsync(Settings, _directory);

    [Fact]
    public async Task An_instance_whose_secrets_cannot_be_decrypted_is_shown_as_not_running_takes_new_secrets_and_can_be_deleted()
    {
        var before = await ui.SignedInPageAsync(_hub);
        await AddAsync(before, "shop");
        await AddAsync(before, "old");
        await before.Context.CloseAsync();
        await LoseTheKeysAndRestartAsync();

        var page = await ui.SignedInPageAsync(_hub);
        await page.GotoAsync("/admin/connectors");
        await Expect(page.Locator("tr[data-instance='shop'] [data-state='secrets-undecryptable']"))
            .ToHaveTextAsync("secrets unreadable: not running, enter its secrets again");

        var edit = await page.GotoAsync("/admin/connectors/edit/shop");
        Assert.Equal((int)HttpStatusCode.OK, edit!.Status);
        await Expect(page.Locator("#secrets-undecryptable")).ToContainTextAsync("The stored secrets of this instance cannot be decrypted, so it is not running.");
        await Expect(page.Locator("#secrets-undecryptable")).ToContainTextAsync("Enter Signing secret(s) again");
        await Expect(page.GetByLabel("Channel", new() { Exact = true })).ToHaveValueAsync("web");
        await Expect(page.GetByLabel("Signing secret(s)")).ToHaveValueAsync("");
        await UiHub.ScreenshotAsync(page, "connector-secrets-undecryptable");

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(page.Locator("#problems")).ToContainTextAsync("'Secret' must be entered again: its stored value cannot be decrypted");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#problems")).ToContainTextAsync("'Secret' must be entered again: its stored value cannot be decrypted");
        await Expect(page.Locator("#option-Secret")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync("shop", NewSecret));

        await page.GetByLabel("Signing secret(s)").FillAsync(NewSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved. The instance is running.");
        await Expect(page.Locator("#secrets-undecryptable")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, await SendAsync("shop", NewSecret));

        await page.GotoAsync("/admin/connectors");
        await Expect(page.Locator("tr[data-instance='shop']")).ToContainTextAsync("enabled");
        await Expect(page.Locator("tr[data-instance='shop'] [data-state='secrets-undecryptable']")).ToHaveCountAsync(0);
        await Expect(page.Locator("tr[data-instance='old'] [data-state='secrets-undecryptable']")).ToHaveCountAsync(1);

        var old = await page.GotoAsync("/admin/connectors/edit/old");
        Assert.Equal((int)HttpStatusCode.OK, old!.Status);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete instance" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/connectors$"));
        await Expect(page.Locator("tr[data-instance='old']")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task AddAsync(IPage page, string id)
    {
        await page.GotoAsync("/admin/connectors/edit?kind=webhooks");
        await page.GetByLabel("Instance id").FillAsync(id);
        await page.GetByLabel("Signing secret(s)").FillAsync(LostSecret);
        await page.GetByLabel("Channel", new() { Exact = true }).FillAsync("web");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved. The instance is running.");
    }

    /// <summary>The operator's way out of a lost key-encryption key (docs/operations.md, "Secrets"): delete the keys, restart.</summary>
    private async Task LoseTheKeysAndRestartAsync()
    {
        await _hub.DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "data", "hub.db")}"))
        {
            await connection.OpenAsync();
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM data_protection_keys";
            Assert.True(await delete.ExecuteNonQueryAsync() > 0);
        }
        SqliteConnection.ClearAllPools();
        _hub = await HubProcess.StartAsync(Settings, _directory);
    }

    private async Task<HttpStatusCode> SendAsync(string id, string secret)
    {
        using var response = await new SignedWebhookSender(_hub.Client, id, secret).SendAsync(
            """{"type":"identify","messageId":"lostkey-1","userId":"u-lostkey-1","traits":{"email":"grace@example.com"},"timestamp":"2026-11-30T10:00:00Z"}""");
        return response.StatusCode;
    }
}
