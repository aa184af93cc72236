using System.Net;
using System.Text.RegularExpressions;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Ui.Tests;

/// <summary>
/// Stored connector secrets are write-only: the edit form's Test connection and Save reuse a stored secret only for the
/// stored addresses. With an address changed (here to a server standing in for an attacker), the secret must be typed
/// again, and nothing reaches that server; every connection test is in the audit log.
/// </summary>
public sealed partial class ConnectorSecretReuseTests : IDisposable
{
    private const string StoredSecret = "the-stored-consumer-secret";

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-secrets-").FullName;
    private readonly WebApplicationFactory<Program> _factory;

    public ConnectorSecretReuseTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}");
            b.UseSetting("Hub:ApiKeys:tests", "a-key-these-tests-never-send");
            b.UseSetting("Hub:Admin:Email", "admin@example.com");
            b.UseSetting("Hub:Admin:Password", "the first admin's password");
            b.UseSetting("Hub:Outbound:AllowedNetworks:0", $"{UiHub.AllowedTargetAddress}/32");
        });
    }

    public void Dispose()
    {
        _factory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_changed_address_gets_no_stored_secret_from_test_connection_or_save()
    {
        using var attacker = UiHub.StartAllowedServer();
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(client);
        using (var created = await PostAsync(client, "/admin/connectors/edit?kind=salesforce", "Save", existing: false, Settings()))
        {
            var body = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.OK, Problems().Match(body).Value);
        }

        // Test connection against another instance URL, the secret left empty: refused before anything is sent.
        using var test = await PostAsync(client, "/admin/connectors/edit/sf1", "Test", existing: true, Settings(("InstanceUrl", attacker.Url!), ("ClientSecret", "")));
        var testPage = await test.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, test.StatusCode);
        Assert.Matches(FieldError("ClientSecret", "InstanceUrl"), testPage);
        Assert.Empty(attacker.LogEntries);

        // Saving another login URL with the secret left empty: refused, the stored instance unchanged.
        using var save = await PostAsync(client, "/admin/connectors/edit/sf1", "Save", existing: true, Settings(("LoginUrl", "https://login.attacker.example"), ("ClientSecret", "")));
        Assert.Equal(HttpStatusCode.BadRequest, save.StatusCode);
        Assert.Matches(FieldError("ClientSecret", "LoginUrl"), await save.Content.ReadAsStringAsync());
        Assert.DoesNotContain("attacker", (await StoredRowAsync()).Settings, StringComparison.Ordinal);

        // Typed again, the secret goes where the admin says, and the test is recorded with its destination.
        using var retyped = await PostAsync(client, "/admin/connectors/edit/sf1", "Test", existing: true, Settings(("InstanceUrl", attacker.Url!), ("ClientSecret", "typed-again")));
        Assert.Equal(HttpStatusCode.OK, retyped.StatusCode);
        var sent = Assert.Single(attacker.LogEntries).RequestMessage?.Body ?? "";
        Assert.Contains("client_secret=typed-again", sent, StringComparison.Ordinal);
        Assert.DoesNotContain(StoredSecret, sent, StringComparison.Ordinal);
        using var scope = _factory.Services.CreateScope();
        var audit = await scope.ServiceProvider.GetRequiredService<HubDbContext>().AuditEntries.AsNoTracking()
            .Where(a => a.Action == AuditActions.ConnectorTested).ToListAsync();
        var entry = Assert.Single(audit);
        Assert.Equal(("admin@example.com", "sf1"), (entry.Actor, entry.Subject));
        Assert.Contains($"InstanceUrl={attacker.Url}", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_new_instance_says_to_enter_its_secret_again_without_echoing_it()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(client);

        using var refused = await PostAsync(client, "/admin/connectors/edit?kind=salesforce", "Save", existing: false, Settings(("InstanceUrl", "not a url")));
        var page = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("<p id=\"option-ClientSecret-again\" class=\"field-error\">Enter it again: secrets are not sent back to the browser.</p>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("option-PrivateKey-again", page, StringComparison.Ordinal); // not entered: nothing to enter again
        Assert.DoesNotContain(StoredSecret, page, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Settings(params (string Name, string Value)[] changes)
    {
        var settings = new Dictionary<string, string>
        {
            ["OrganizationId"] = "00D5g000004SdQn",
            ["InstanceUrl"] = "https://example.my.salesforce.com",
            ["ClientId"] = "the-consumer-key",
            ["ClientSecret"] = StoredSecret,
        };
        foreach (var (name, value) in changes)
        {
            settings[name] = value;
        }
        return settings;
    }

    private async Task<StoredConnectorInstanceRow> StoredRowAsync()
    {
        using var scope = _factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().StoredConnectorInstances.AsNoTracking().SingleAsync(r => r.Id == "sf1");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string page, string handler, bool existing, Dictionary<string, string> settings)
    {
        var form = await client.GetStringAsync(new Uri(page, UriKind.Relative));
        var fields = new Dictionary<string, string>
        {
            ["kind"] = "salesforce",
            ["existing"] = existing ? "true" : "false",
            ["instanceId"] = "sf1",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
        };
        foreach (var (name, value) in settings)
        {
            fields["o." + name] = value;
        }
        var path = page.Split('?')[0];
        return await client.PostAsync(new Uri($"{path}?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    private static async Task SignInAsync(HttpClient client)
    {
        var form = await client.GetStringAsync(new Uri("/admin/signin", UriKind.Relative));
        using var response = await client.PostAsync(new Uri("/admin/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "admin@example.com",
            ["password"] = "the first admin's password",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The problem shown under the secret's field, naming the changed option (quotes HTML-encoded).</summary>
    private static Regex FieldError(string secret, string changed) =>
        new($"<p class=\"field-error\">&#x27;{secret}&#x27; must be entered again: &#x27;{changed}&#x27; changed");

    [GeneratedRegex("<ul>.*?</ul>", RegexOptions.Singleline)]
    private static partial Regex Problems();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
