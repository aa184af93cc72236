using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hub.Ui.Tests;

/// <summary>
/// Two hub processes on one database behind a load balancer, each printing a setup link at start: the link works on
/// either process, once. (Two app instances in this test process, as two processes share nothing else.)
/// </summary>
public sealed partial class FirstAdminSetupAcrossProcessesTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hub-setup-two-").FullName;
    private TextWriter _originalConsole = null!;
    private WebApplicationFactory<Program> _hub1 = null!;
    private WebApplicationFactory<Program> _hub2 = null!;
    private string _hub1Token = null!;
    private string _hub2Token = null!;

    public Task InitializeAsync()
    {
        _originalConsole = Console.Out;
        (_hub1, _hub1Token) = Start();
        (_hub2, _hub2Token) = Start();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_link_printed_by_one_process_creates_the_first_admin_on_the_other_once()
    {
        Assert.NotEqual(_hub1Token, _hub2Token);
        using var onHub2 = _hub2.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var form = await onHub2.GetStringAsync(new Uri($"/admin/setup?token={_hub1Token}", UriKind.Relative));
        using (var created = await PostAsync(onHub2, _hub1Token, form, "first@example.com", "a long enough password"))
        {
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        }

        using var onHub1 = _hub1.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var token in new[] { _hub1Token, _hub2Token })
        {
            using var again = await onHub1.GetAsync(new Uri($"/admin/setup?token={token}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        }
    }

    [Fact]
    public async Task A_failed_attempt_leaves_the_link_working_on_the_other_process()
    {
        using var onHub2 = _hub2.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await onHub2.GetStringAsync(new Uri($"/admin/setup?token={_hub1Token}", UriKind.Relative));
        using (var tooShort = await PostAsync(onHub2, _hub1Token, form, "first@example.com", "short"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        }

        using var onHub1 = _hub1.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var again = await onHub1.GetStringAsync(new Uri($"/admin/setup?token={_hub1Token}", UriKind.Relative));
        using var created = await PostAsync(onHub1, _hub1Token, again, "first@example.com", "a long enough password");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
    }

    private (WebApplicationFactory<Program> Hub, string Token) Start()
    {
        var console = new StringWriter();
        Console.SetOut(console);
        try
        {
            var hub = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Production");
                b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}");
                b.UseSetting("Hub:ApiKeys:tests", "a-key-these-tests-never-send");
            });
            _ = hub.Server;
            var token = SetupLink().Match(console.ToString()).Groups["token"].Value;
            Assert.NotEmpty(token);
            return (hub, token);
        }
        finally
        {
            Console.SetOut(_originalConsole);
        }
    }

    public async Task DisposeAsync()
    {
        Console.SetOut(_originalConsole);
        await _hub2.DisposeAsync();
        await _hub1.DisposeAsync();
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
