using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hub.Ui.Tests;

/// <summary>A hub without <c>Hub:Admin</c> prints a one-time setup link; it creates the first admin once and never again.</summary>
public sealed partial class FirstAdminSetupTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hub-setup-").FullName;
    private readonly StringWriter _console = new();
    private TextWriter _originalConsole = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _originalConsole = Console.Out;
        Console.SetOut(_console);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}");
            b.UseSetting("Hub:ApiKeys:tests", "a-key-these-tests-never-send");
        });
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_printed_setup_link_creates_the_first_admin_once()
    {
        var token = SetupLink().Match(_console.ToString()).Groups["token"].Value;
        Assert.NotEmpty(token);
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using (var forged = await client.GetAsync(new Uri("/admin/setup?token=not-the-token", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }
        var form = await client.GetStringAsync(new Uri($"/admin/setup?token={token}", UriKind.Relative));
        using (var tooShort = await PostAsync(client, token, form, "first@example.com", "short"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        }
        using (var created = await PostAsync(client, token, form, "first@example.com", "a long enough password"))
        {
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        }
        using (var signedIn = await client.GetAsync(new Uri("/admin/users", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
            Assert.Contains("first@example.com", await signedIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var stranger = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using (var again = await stranger.GetAsync(new Uri($"/admin/setup?token={token}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        }
    }

    public async Task DisposeAsync()
    {
        Console.SetOut(_originalConsole);
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string token, string form, string email, string password) =>
        client.PostAsync(new Uri("/admin/setup", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["email"] = email,
            ["password"] = password,
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
        }));

    [GeneratedRegex(@"/admin/setup\?token=(?<token>[A-Za-z0-9_-]+)")]
    private static partial Regex SetupLink();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
