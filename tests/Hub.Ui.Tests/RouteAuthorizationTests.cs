using System.Net;
using System.Text.RegularExpressions;
using Hub.Server.Admin;
using Hub.Server.Admin.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Ui.Tests;

/// <summary>
/// Every route the hub maps, taken from its endpoint data source, asked without credentials and as a viewer: nothing but
/// the public routes below answers an anonymous caller, a viewer changes nothing, and a viewer's cookie opens no REST API.
/// A new route is covered the moment it is mapped; a new admin page must be named below as readable by viewers, or it
/// must refuse them.
/// </summary>
public sealed partial class RouteAuthorizationTests : IAsyncLifetime
{
    private const string ViewerEmail = "viewer@example.com";
    private const string ViewerPassword = "a viewer's long password";

    /// <summary>
    /// Routes anyone may call: they authenticate by other means (webhook signatures) or hold nothing secret. <c>/metrics</c>
    /// is open to Prometheus by default (counts and ids, no personal data); <c>Hub:Telemetry:MetricsRequireApiKey</c> closes it.
    /// </summary>
    private static readonly string[] PublicRoutes =
    [
        "/", "/health/live", "/health/ready", "/metrics", "/openapi/{documentName}.json", "/webhooks/{connectorInstanceId}", "/admin/signin", "/admin/setup",
    ];

    /// <summary>Admin pages a viewer may open (GET). Every other admin page refuses a viewer.</summary>
    private static readonly string[] ViewerPages =
    [
        "/Admin/Index", "/Admin/Health", "/Admin/Connectors/Index", "/Admin/Customers/Index", "/Admin/Customers/Details",
        "/Admin/Operations/FailedMessages", "/Admin/Operations/Audit", "/Admin/SignOut", "/Admin/Status",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-routes-").FullName;
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}");
            b.UseSetting("Hub:ApiKeys:tests", "a-key-these-tests-never-send");
            b.UseSetting("Hub:Admin:Email", "admin@example.com");
            b.UseSetting("Hub:Admin:Password", "the first admin's password");
        });
        using var scope = _factory.Services.CreateScope();
        var problems = await scope.ServiceProvider.GetRequiredService<AdminAccounts>()
            .CreateAsync(ViewerEmail, ViewerPassword, AdminRoles.Viewer, "tests", CancellationToken.None);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Every_route_but_the_public_ones_refuses_an_anonymous_caller()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var checkedRoutes = 0;
        foreach (var (endpoint, path, method) in Requests())
        {
            if (PublicRoutes.Contains("/" + endpoint.RoutePattern.RawText!.TrimStart('/'), StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/admin/signin", StringComparison.Ordinal));
            Assert.True(refused, $"{method} {path} ({endpoint.DisplayName}) answered {(int)response.StatusCode} to an anonymous caller.");
            checkedRoutes++;
        }
        Assert.True(checkedRoutes > 30, $"Only {checkedRoutes} requests were checked: the endpoint enumeration is broken.");
    }

    [Fact]
    public async Task A_viewer_reads_the_admin_pages_but_changes_nothing_and_a_cookie_opens_no_api()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignInAsync(client, ViewerEmail, ViewerPassword);
        using (var readable = await client.GetAsync(new Uri("/admin/connectors", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, readable.StatusCode);
        }
        var refusedPages = 0;
        foreach (var (endpoint, path, method) in Requests())
        {
            var page = endpoint.Metadata.GetMetadata<PageActionDescriptor>()?.ViewEnginePath;
            var raw = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (PublicRoutes.Contains(raw, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            if (page is null)
            {
                // Not a page: the REST API takes API keys only, never the admin cookie.
                Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
                    $"{method} {path} answered {(int)response.StatusCode} to a viewer's cookie.");
            }
            else if (!ViewerPages.Contains(page, StringComparer.Ordinal))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} (page {page}) answered {(int)response.StatusCode} to a viewer.");
                refusedPages++;
            }
        }
        Assert.True(refusedPages >= 8, $"Only {refusedPages} admin-only page requests were checked.");
    }

    [Fact]
    public async Task Metrics_take_an_api_key_once_the_operator_asks_for_it()
    {
        await using var guarded = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "guarded.db")}");
            b.UseSetting("Hub:ApiKeys:prometheus", "a-scrape-key-of-thirty-two-characters");
            b.UseSetting("Hub:Telemetry:MetricsRequireApiKey", "true");
        });
        using var client = guarded.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using (var anonymous = await client.GetAsync(new Uri("/metrics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "a-scrape-key-of-thirty-two-characters");
        using var scraped = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Every endpoint with a concrete path and each method it takes (GET and POST when it names none, as pages do).</summary>
    private IEnumerable<(RouteEndpoint Endpoint, string Path, string Method)> Requests()
    {
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var path = Concrete(endpoint.RoutePattern);
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } declared ? declared : ["GET", "POST"];
            foreach (var method in methods)
            {
                yield return (endpoint, path, method);
            }
        }
    }

    private static string Concrete(RoutePattern pattern)
    {
        var text = "/" + pattern.RawText!.TrimStart('/');
        return Parameter().Replace(text, m =>
        {
            var constraint = m.Groups["constraint"].Value;
            return constraint.StartsWith(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString()
                : constraint.StartsWith(":long", StringComparison.Ordinal) || constraint.StartsWith(":int", StringComparison.Ordinal) ? "1"
                : "x";
        });
    }

    private static async Task SignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync(new Uri("/admin/signin", UriKind.Relative));
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var response = await client.PostAsync(new Uri("/admin/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [GeneratedRegex(@"\{\*?\*?(?<name>[A-Za-z]+)(?<constraint>(:[^}?]+)?)\??\}")]
    private static partial Regex Parameter();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
