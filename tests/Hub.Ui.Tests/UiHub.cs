using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Testing.Servers;
using Microsoft.Playwright;
using WireMock.Server;
using WireMock.Settings;

namespace Hub.Ui.Tests;

/// <summary>
/// One embedded hub process (SQLite, in-memory bus) and one headless Debian Chromium shared by every UI test. The hub has
/// its first admin from <c>Hub:Admin</c>, a configured inbound instance <c>crm1</c>, and a configured sync target
/// <c>crm2</c> on a loopback address the outbound guard refuses, so every customer change becomes a failed message;
/// <see cref="AllowedTargetAddress"/> is the one loopback address sync targets may use.
/// </summary>
public sealed partial class UiHub : IAsyncLifetime
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "correct horse battery staple";
    public const string ConfiguredInstance = "crm1";
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string AllowedTargetAddress = "127.0.0.2";

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-ui-").FullName;
    private IPlaywright? _playwright;

    public HubProcess Hub { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["Hub:Admin:Email"] = AdminEmail,
            ["Hub:Admin:Password"] = AdminPassword,
            [$"Hub:Connectors:{ConfiguredInstance}:Kind"] = "webhooks",
            [$"Hub:Connectors:{ConfiguredInstance}:Secret"] = SignedWebhookSender.ExampleSecret,
            ["Hub:Connectors:crm2:Kind"] = "webhooks",
            ["Hub:Connectors:crm2:Secret"] = SignedWebhookSender.ExampleSecret,
            ["Hub:Connectors:crm2:TargetUrl"] = "http://127.0.0.1:9/hub-events",
            // Only the CRM that tests add in the UI (on 127.0.0.2) is allowed; crm2's 127.0.0.1 stays refused.
            ["Hub:Outbound:AllowedNetworks:0"] = $"{AllowedTargetAddress}/32",
        }, _directory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>A WireMock.Net server on <see cref="AllowedTargetAddress"/>, the one address the hub may call out to.</summary>
    public static WireMockServer StartAllowedServer()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Parse(AllowedTargetAddress), 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        return WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://{AllowedTargetAddress}:{port}"] });
    }

    /// <summary>A fresh browser session (no cookies) on the hub, allowed to use the clipboard.</summary>
    public Task<IPage> NewPageAsync() => NewPageAsync(Hub);

    /// <summary>A fresh browser session (no cookies) on another hub process, allowed to use the clipboard.</summary>
    public async Task<IPage> NewPageAsync(HubProcess hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = hub.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        return await context.NewPageAsync();
    }

    public Task<IPage> SignedInPageAsync() => SignedInPageAsync(Hub);

    /// <summary>A browser session signed in as <see cref="AdminEmail"/> on <paramref name="hub"/>, which has that first admin.</summary>
    public async Task<IPage> SignedInPageAsync(HubProcess hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var page = await NewPageAsync(hub);
        await page.GotoAsync("/admin/signin");
        await page.GetByLabel("E-mail").FillAsync(AdminEmail);
        await page.GetByLabel("Password").FillAsync(AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        try
        {
            // The address, not the load event: in a full run the browser showed the signed-in /admin page while
            // WaitForURLAsync waited 60 s for a load event it never saw.
            await Assertions.Expect(page).ToHaveURLAsync(SignedInAddress(), new() { Timeout = 30_000 });
            await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            var shown = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
            var log = hub.Output.Split('\n').TakeLast(40);
            throw new TimeoutException(
                $"Signing in did not reach /admin: the browser is on {page.Url}, showing:\n{shown[..Math.Min(shown.Length, 1_000)]}\n"
                + $"Last lines of the hub's log:\n{string.Join('\n', log)}", e);
        }
        return page;
    }

    [GeneratedRegex("/admin$")]
    private static partial Regex SignedInAddress();

    /// <summary>Writes the page's screenshot to docs/ui/&lt;name&gt;.png in the repository, where docs/ui.md shows it.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryRoot(), "docs", "ui", name + ".png"), FullPage = true });

    /// <summary>Writes one element's screenshot to docs/ui/&lt;name&gt;.png.</summary>
    public static Task ScreenshotAsync(ILocator element, string name) =>
        element.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(RepositoryRoot(), "docs", "ui", name + ".png") });

    /// <summary>Polls the REST API (with the API key) until the failed-message list with that status holds one; returns it.</summary>
    public async Task<JsonElement?> FailedMessageAsync(string status, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var page = await Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/operations/failed-messages?status={status}", UriKind.Relative));
            var items = page.GetProperty("items");
            if (items.GetArrayLength() > 0)
            {
                return items[0];
            }
            if (DateTime.UtcNow > deadline)
            {
                return null;
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Polls the REST API until a customer with that e-mail exists.</summary>
    public async Task WaitForCustomerAsync(string email, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var found = await Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?email={Uri.EscapeDataString(email)}", UriKind.Relative));
            if (found.GetArrayLength() > 0)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"No customer {email} within {within}.");
            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hub.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Hub.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class UiHubCollection : ICollectionFixture<UiHub>
{
    public const string Name = "ui hub";
}
