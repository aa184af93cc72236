using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hub.Ui.Tests;

/// <summary>
/// The webhook URL the admin UI hands out is the one the source system must call: with the Basic credentials for
/// SendGrid and Postmark, with <c>?secret=</c> for Salesforce CDC relays. The page that shows secrets once shows them in
/// the URL; the connector list and later saves show a placeholder, never the secret.
/// </summary>
public sealed partial class ConnectorWebhookUrlTests : IDisposable
{
    private const string Password = "pm/pass:with@odd chars";
    private const string EndpointSecret = "k7Qm2xVb9Rt4Lp8Zw3Nc";

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-webhook-urls-").FullName;
    private readonly WebApplicationFactory<Program> _factory;

    public ConnectorWebhookUrlTests()
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
    public async Task Postmark_gets_the_url_with_its_basic_credentials_and_posting_there_is_let_in()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(client);

        using var saved = await SaveAsync(client, "postmark", "pm1", existing: false, new() { ["User"] = "hub", ["Password"] = Password });
        var url = WebhookUrl(await saved.Content.ReadAsStringAsync());
        Assert.Equal($"http://hub:{Uri.EscapeDataString(Password)}@localhost/webhooks/pm1", url);

        var credentials = new Uri(url).UserInfo.Split(':', 2).Select(Uri.UnescapeDataString).ToArray();
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(url).PathAndQuery)
        {
            Content = new StringContent("""{"From":"jane@example.com","Subject":"Hi","TextBody":"Hello"}""", Encoding.UTF8, "application/json"),
        };
        post.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials[0]}:{credentials[1]}")));
        using var received = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.OK, received.StatusCode);

        // Later: the list and a save that keeps the stored password show where it goes, not what it is.
        var list = await client.GetStringAsync(new Uri("/admin/connectors", UriKind.Relative));
        Assert.Contains("http://hub:&lt;Password&gt;@localhost/webhooks/pm1", list, StringComparison.Ordinal);
        using var resaved = await SaveAsync(client, "postmark", "pm1", existing: true, new() { ["User"] = "hub", ["Password"] = "" });
        var resavedPage = await resaved.Content.ReadAsStringAsync();
        Assert.Equal("http://hub:<Password>@localhost/webhooks/pm1", WebhookUrl(resavedPage));
        Assert.DoesNotContain(Uri.EscapeDataString(Password), list + resavedPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sendgrid_gets_the_url_with_its_basic_credentials()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(client);

        using var saved = await SaveAsync(client, "sendgrid", "sg2", existing: false, new() { ["User"] = "hub", ["Password"] = "sendgrid-password" });
        Assert.Equal("http://hub:sendgrid-password@localhost/webhooks/sg2", WebhookUrl(await saved.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Salesforce_gets_the_url_with_its_endpoint_secret_when_it_has_one()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(client);
        var settings = new Dictionary<string, string>
        {
            ["OrganizationId"] = "00D5g000004SdQn",
            ["InstanceUrl"] = "https://example.my.salesforce.com",
            ["ClientId"] = "the-consumer-key",
            ["ClientSecret"] = "the-consumer-secret",
        };

        using var without = await SaveAsync(client, "salesforce", "sf1", existing: false, settings);
        Assert.Equal("http://localhost/webhooks/sf1", WebhookUrl(await without.Content.ReadAsStringAsync()));

        settings["EndpointSecret"] = EndpointSecret;
        using var with = await SaveAsync(client, "salesforce", "sf1", existing: true, settings);
        Assert.Equal($"http://localhost/webhooks/sf1?secret={EndpointSecret}", WebhookUrl(await with.Content.ReadAsStringAsync()));

        var list = await client.GetStringAsync(new Uri("/admin/connectors", UriKind.Relative));
        Assert.Contains("http://localhost/webhooks/sf1?secret=&lt;EndpointSecret&gt;", list, StringComparison.Ordinal);
        Assert.DoesNotContain(EndpointSecret, list, StringComparison.Ordinal);
    }

    private static string WebhookUrl(string page) => WebUtility.HtmlDecode(WebhookUrlInput().Match(page) is { Success: true } m
        ? m.Groups[1].Value
        : throw new Xunit.Sdk.XunitException($"No webhook URL on the page:{Environment.NewLine}{page}"));

    private static async Task<HttpResponseMessage> SaveAsync(HttpClient client, string kind, string id, bool existing, Dictionary<string, string> settings)
    {
        var page = existing ? $"/admin/connectors/edit/{id}" : $"/admin/connectors/edit?kind={kind}";
        var form = await client.GetStringAsync(new Uri(page, UriKind.Relative));
        var fields = new Dictionary<string, string>
        {
            ["kind"] = kind,
            ["existing"] = existing ? "true" : "false",
            ["instanceId"] = id,
            ["enabled"] = "true",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
        };
        foreach (var (name, value) in settings)
        {
            fields["o." + name] = value;
        }
        var response = await client.PostAsync(new Uri($"{page.Split('?')[0]}?handler=Save", UriKind.Relative), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
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

    [GeneratedRegex("id=\"webhook-url\" type=\"text\" readonly value=\"([^\"]*)\"")]
    private static partial Regex WebhookUrlInput();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
