using System.Net;
using System.Text.RegularExpressions;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hub.Ui.Tests;

/// <summary>
/// An admin changes another account's role, resets its password and removes it on the Users page: each change signs
/// that account out of the browser it is using, a reset password replaces the old one, and a removed account cannot
/// sign in; every change is in the audit log.
/// </summary>
[Collection(UiHubCollection.Name)]
public sealed partial class AdminUserManagementTests(UiHub ui)
{
    private const string FirstPassword = "the leaver's first password";
    private const string ResetPassword = "the leaver's reset password";

    [Fact]
    public async Task Role_change_password_reset_and_removal_sign_the_account_out_and_are_audited()
    {
        var leaver = $"leaver-{Guid.NewGuid():N}@example.com";
        var admin = await ui.SignedInPageAsync();
        await admin.GotoAsync("/admin/users");
        await admin.Locator("#email").FillAsync(leaver);
        await admin.Locator("#password").FillAsync(FirstPassword);
        await admin.Locator("#role").SelectOptionAsync("admin");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add account", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"Account {leaver} created.");

        var theirs = await ui.NewPageAsync();
        await SignInAsync(theirs, leaver, FirstPassword, succeeds: true);

        // A new role: their session ends.
        await admin.GetByLabel($"Role of {leaver}", new() { Exact = true }).SelectOptionAsync("viewer");
        await admin.GetByRole(AriaRole.Button, new() { Name = $"Change role of {leaver}", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"{leaver} is now viewer");
        await Expect(admin.Locator($"tr[data-user='{leaver}'] td").Nth(1)).ToHaveTextAsync("viewer");
        await AssertSignedOutAsync(theirs);
        await SignInAsync(theirs, leaver, FirstPassword, succeeds: true);

        // A reset password: their session ends, the old password no longer works, the new one does.
        await admin.GetByLabel($"New password for {leaver}", new() { Exact = true }).FillAsync(ResetPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = $"Reset password of {leaver}", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"The password of {leaver} was reset");
        await AssertSignedOutAsync(theirs);
        await SignInAsync(theirs, leaver, FirstPassword, succeeds: false);
        await SignInAsync(theirs, leaver, ResetPassword, succeeds: true);

        // Removed: signed out, and no way back in.
        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = $"Remove {leaver}", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"Account {leaver} removed");
        await Expect(admin.Locator($"tr[data-user='{leaver}']")).ToHaveCountAsync(0);
        await AssertSignedOutAsync(theirs);
        await SignInAsync(theirs, leaver, ResetPassword, succeeds: false);

        await admin.GotoAsync($"/admin/operations/audit?subject={Uri.EscapeDataString(leaver)}");
        foreach (var action in new[] { AuditActions.UserCreated, AuditActions.UserRoleChanged, AuditActions.UserPasswordReset, AuditActions.UserRemoved })
        {
            await Expect(admin.Locator("main")).ToContainTextAsync(action);
        }
        await theirs.Context.CloseAsync();
        await admin.Context.CloseAsync();
    }

    private static async Task AssertSignedOutAsync(IPage page)
    {
        await page.GotoAsync("/admin/customers");
        await Expect(page).ToHaveURLAsync(SignInWithReturn());
    }

    private static async Task SignInAsync(IPage page, string email, string password, bool succeeds)
    {
        await page.GotoAsync("/admin/signin");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        if (succeeds)
        {
            await Expect(page).ToHaveURLAsync(SignedIn());
        }
        else
        {
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");
        }
    }

    [GeneratedRegex("/admin$")]
    private static partial Regex SignedIn();

    [GeneratedRegex("/admin/signin\\?ReturnUrl=")]
    private static partial Regex SignInWithReturn();
}

/// <summary>The last admin can be neither removed nor made a viewer: the hub would have no one left to manage it.</summary>
public sealed partial class LastAdminTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hub-last-admin-").FullName;
    private readonly WebApplicationFactory<Program> _factory;

    public LastAdminTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}");
            b.UseSetting("Hub:ApiKeys:tests", "a-key-these-tests-never-send");
            b.UseSetting("Hub:Admin:Email", "admin@example.com");
            b.UseSetting("Hub:Admin:Password", "the first admin's password");
        });
    }

    public void Dispose()
    {
        _factory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_last_admin_is_neither_removed_nor_demoted()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await PostAsync(client, "/admin/signin", new() { ["email"] = "admin@example.com", ["password"] = "the first admin's password" }, HttpStatusCode.Redirect);

        var removed = await PostAsync(client, "/admin/users?handler=Remove", new() { ["email"] = "admin@example.com" }, HttpStatusCode.BadRequest);
        Assert.Contains("admin@example.com is the last admin", removed, StringComparison.Ordinal);
        var demoted = await PostAsync(client, "/admin/users?handler=Role", new() { ["email"] = "admin@example.com", ["role"] = "viewer" }, HttpStatusCode.BadRequest);
        Assert.Contains("admin@example.com is the last admin", demoted, StringComparison.Ordinal);

        // With a second admin, the first may go.
        await PostAsync(client, "/admin/users", new() { ["email"] = "second@example.com", ["password"] = "the second admin's password", ["role"] = "admin" }, HttpStatusCode.Redirect);
        await PostAsync(client, "/admin/users?handler=Role", new() { ["email"] = "admin@example.com", ["role"] = "viewer" }, HttpStatusCode.Redirect);
        using var scope = _factory.Services.CreateScope();
        var accounts = await scope.ServiceProvider.GetRequiredService<HubDbContext>().AdminUsers.AsNoTracking().OrderBy(u => u.Email).ToListAsync();
        Assert.Equal([("admin@example.com", "viewer"), ("second@example.com", "admin")], accounts.Select(u => (u.Email, u.Role)));
    }

    private static async Task<string> PostAsync(HttpClient client, string path, Dictionary<string, string> fields, HttpStatusCode expected)
    {
        var form = await client.GetStringAsync(new Uri(path.Split('?')[0], UriKind.Relative));
        fields["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value;
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path} answered {(int)response.StatusCode}, not {(int)expected}:{Environment.NewLine}{body}");
        return body;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
