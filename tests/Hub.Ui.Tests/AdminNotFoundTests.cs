using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hub.Ui.Tests;

/// <summary>An admin address with nothing behind it answers 404 with a page in the admin layout; the REST API keeps problem+json.</summary>
public sealed partial class AdminNotFoundTests : IDisposable
{
    private const string ApiKey = "the-not-found-test-key-of-some-length";

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-not-found-").FullName;
    private readonly WebApplicationFactory<Program> _factory;

    public AdminNotFoundTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}");
            b.UseSetting("Hub:ApiKeys:tests", ApiKey);
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

    [Theory]
    [InlineData("/admin/customers/details/not-a-guid")]
    [InlineData("/admin/customers/details/4b6f2d1e-9a3c-4e58-8f07-2c1d5e6a7b90")]
    [InlineData("/admin/connectors/edit/nosuch")]
    [InlineData("/admin/no-such-page")]
    public async Task An_unknown_admin_address_is_a_not_found_page_in_the_admin_layout(string path)
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(client);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1 id=\"status-title\">Not found</h1>", body, StringComparison.Ordinal);
        Assert.Contains("Sign out", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_keeps_problem_json_for_an_unknown_customer()
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await client.GetAsync(new Uri($"/api/customers/{Guid.NewGuid()}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
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

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
