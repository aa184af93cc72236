using System.Net;
using System.Text.RegularExpressions;
using Hub.Server.Admin.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WireMock.Server;

namespace Hub.Ui.Tests;

/// <summary>
/// Sessions, sign-in limits and the view through a TLS-terminating proxy (also as the gateway passes it on to a remote
/// connector), over HTTP in process. The test server has no
/// network peer, so each request says which address it comes from (<c>X-Test-Peer</c>, default loopback), set as the
/// connection's remote address before the hub's own pipeline sees it.
/// </summary>
public sealed partial class AdminSignInSecurityTests : IDisposable
{
    private const string AdminEmail = "admin@example.com";
    private const string AdminPassword = "the first admin's password";
    private const string PeerHeader = "X-Test-Peer";

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-signin-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly List<IDisposable> _factories = [];

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_cookie_captured_before_sign_out_is_refused_afterwards()
    {
        var factory = Hub();
        var cookies = new CookieContainer();
        using var client = factory.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, AdminEmail, AdminPassword)).StatusCode);
        var captured = cookies.GetCookieHeader(new Uri("http://localhost/admin"));
        Assert.Contains("hub-admin=", captured, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(factory, "/admin/users", captured)).StatusCode);

        var page = await client.GetStringAsync(new Uri("/admin", UriKind.Relative));
        using var signOut = await client.PostAsync(new Uri("/admin/signout", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        using var replayed = await GetWithCookieAsync(factory, "/admin/users", captured);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/admin/signin", replayed.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_five_failures_an_e_mail_is_locked_also_for_the_right_password_and_unknown_e_mails_get_the_same_answer_until_the_lockout_ends()
    {
        var factory = Hub(("Hub:Admin:SignIn:MaxAttemptsPerClient", "1000"));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var email in new[] { AdminEmail, "nobody@example.com" })
        {
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, email, "a wrong password")).StatusCode);
            }
            using var fifth = await SignInAsync(client, email, "a wrong password");
            Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        }

        using var locked = await SignInAsync(client, AdminEmail, AdminPassword);
        using var unknown = await SignInAsync(client, "nobody@example.com", AdminPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, unknown.StatusCode);
        var lockedText = LockoutMessage().Match(await locked.Content.ReadAsStringAsync()).Value;
        Assert.Contains("Too many failed sign-ins with this e-mail", lockedText, StringComparison.Ordinal);
        Assert.Equal(lockedText, LockoutMessage().Match(await unknown.Content.ReadAsStringAsync()).Value);
        Assert.Equal("900", locked.Headers.GetValues("Retry-After").Single());

        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(client, AdminEmail, AdminPassword)).StatusCode);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, AdminEmail, AdminPassword)).StatusCode);
    }

    [Fact]
    public async Task Sign_in_posts_are_limited_per_client_address_as_the_trusted_proxy_reports_it()
    {
        var factory = Hub(("Hub:Admin:SignIn:MaxAttemptsPerClient", "3"), ("Hub:Admin:SignIn:ClientWindow", "01:00:00"));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, $"guess{i}@example.com", "wrong", forwardedFor: "198.51.100.1")).StatusCode);
        }

        using var fourth = await SignInAsync(client, "guess3@example.com", "wrong", forwardedFor: "198.51.100.1");
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("Too many sign-in attempts from this address", await fourth.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Another client behind the same proxy is not held back by the first one.
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, AdminEmail, AdminPassword, forwardedFor: "198.51.100.2")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", "", true)]
    [InlineData("203.0.113.7", "", false)]
    [InlineData("10.0.0.5", "10.0.0.0/24", true)]
    public async Task Behind_a_trusted_tls_proxy_webhook_urls_are_https_and_the_cookie_is_secure(string peer, string trustedNetwork, bool trusted)
    {
        var factory = Hub(("Hub:ForwardedHeaders:TrustedProxies:0", trustedNetwork is "" ? "192.0.2.1" : trustedNetwork));
        var jar = new CookieJar();
        using var client = factory.CreateDefaultClient(new Uri("http://hub.internal"), new ForwardedAs(peer), jar);

        using var signIn = await SignInAsync(client, AdminEmail, AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("hub-admin=", StringComparison.Ordinal));
        Assert.Equal(trusted, setCookie.Contains("; secure", StringComparison.OrdinalIgnoreCase));

        var form = await client.GetStringAsync(new Uri("/admin/connectors/edit?kind=webhooks", UriKind.Relative));
        using var save = await client.PostAsync(new Uri("/admin/connectors/edit?handler=Save", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["kind"] = "webhooks",
            ["existing"] = "false",
            ["instanceId"] = "shop1",
            ["o.Secret"] = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ["enabled"] = "true",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
        }));
        var saved = await save.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, save.StatusCode);
        Assert.Contains($"value=\"{(trusted ? "https" : "http")}://hub.example.com/webhooks/shop1\"", saved, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "https", "198.51.100.9", "hub.example.com")]
    [InlineData("203.0.113.7", "http", "203.0.113.7", "hub.example.com")]
    public async Task The_gateway_passes_the_client_view_on_to_a_remote_connector_only_from_a_trusted_proxy(string peer, string proto, string forwardedFor, string host)
    {
        using var replica = WireMockServer.Start();
        var factory = Hub(
            ("Hub:Connectors:helpdesk:Kind", "remote"),
            ("Hub:Connectors:helpdesk:Addresses", replica.Url!),
            ("Hub:Connectors:helpdesk:Token", "a-connector-token-of-32-characters-or-more"),
            ("Hub:Connectors:helpdesk:SigningSecret", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"));
        using var client = factory.CreateDefaultClient(new Uri("http://hub.internal"), new ForwardedAs(peer));

        using var response = await client.PostAsync(new Uri("/webhooks/helpdesk/events", UriKind.Relative), new StringContent("{}"));

        var forwarded = Assert.Single(replica.LogEntries, e => e.RequestMessage?.Path.EndsWith("/events", StringComparison.Ordinal) == true).RequestMessage!;
        Assert.Equal(
            (proto, forwardedFor, host),
            (forwarded.Headers!["X-Forwarded-Proto"].Single(), forwarded.Headers["X-Forwarded-For"].Single(), forwarded.Headers["X-Forwarded-Host"].Single()));
    }

    private WebApplicationFactory<Program> Hub(params (string Key, string Value)[] settings)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, $"hub{_factories.Count}.db")}");
            b.UseSetting("Hub:ApiKeys:tests", "a-key-these-tests-never-send");
            b.UseSetting("Hub:Admin:Email", AdminEmail);
            b.UseSetting("Hub:Admin:Password", AdminPassword);
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
            b.ConfigureTestServices(services =>
            {
                services.AddSingleton<IStartupFilter>(new PeerFromHeader());
                services.AddSingleton(sp => new SignInThrottle(sp.GetRequiredService<IOptions<SignInThrottleOptions>>(), _time));
            });
        });
        _factories.Add(factory);
        return factory;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? forwardedFor = null)
    {
        var form = await client.GetStringAsync(new Uri("/admin/signin", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = email,
                ["password"] = password,
                ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
            }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> GetWithCookieAsync(WebApplicationFactory<Program> factory, string path, string cookie)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("Too many failed sign-ins[^<]*")]
    private static partial Regex LockoutMessage();

    /// <summary>Sends every request as nginx would from <c>peer</c>: TLS ended there, the public host in Host.</summary>
    private sealed class ForwardedAs(string peer) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add(PeerHeader, peer);
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "198.51.100.9");
            request.Headers.Host = "hub.example.com";
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Keeps every cookie the hub sets and sends them all back, Secure ones too (the test server speaks http).</summary>
    private sealed class CookieJar : DelegatingHandler
    {
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }
            var response = await base.SendAsync(request, cancellationToken);
            foreach (var line in response.Headers.TryGetValues("Set-Cookie", out var lines) ? lines : [])
            {
                var pair = line[..line.IndexOf(';', StringComparison.Ordinal)];
                var (name, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                if (value.Length == 0)
                {
                    _cookies.Remove(name);
                }
                else
                {
                    _cookies[name] = value;
                }
            }
            return response;
        }
    }

    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                var peer = context.Request.Headers[PeerHeader].ToString();
                context.Connection.RemoteIpAddress = IPAddress.Parse(peer is "" ? "127.0.0.1" : peer);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
