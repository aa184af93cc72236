using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Infrastructure.Configuration;
using Hub.Server.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Ui.Tests;

/// <summary>
/// API key scopes: a configured key with <c>Hub:ApiKeyScopes:&lt;name&gt;</c> gets 403 naming the missing scope outside
/// them and 200 inside; a key without scopes keeps full access; an unknown scope stops the start naming it; a key revoked
/// on the admin page's service gets 401 at once.
/// </summary>
public sealed class ApiKeyScopeTests : IDisposable
{
    private const string ScreenPopKey = "the-screen-pop-key-of-the-pbx";
    private const string FullKey = "an-old-key-with-every-right";

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-apikey-scopes-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_key_with_scopes_gets_403_naming_the_missing_scope_outside_them_and_200_inside()
    {
        using var factory = Hub(("pbx", ScreenPopKey, "context:read customers:read"));
        using var client = Client(factory, ScreenPopKey);

        using var inside = await client.GetAsync(new Uri("api/customers?email=nobody@example.com", UriKind.Relative));
        using var outside = await client.PostAsync(new Uri("api/operations/failed-messages/replay", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        Assert.Equal("application/problem+json", outside.Content.Headers.ContentType?.MediaType);
        var problem = await outside.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("operations", problem.GetProperty("missingScope").GetString());
        Assert.Contains("needs the scope 'operations'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "api/identity/duplicates/dismissals")]
    [InlineData("GET", "api/identity/duplicates/dismissals")]
    [InlineData("DELETE", "api/identity/duplicates/dismissals/5f0c0a4e-4f3a-4a53-9b87-1d1f6a0e9c01/7a1e2b3c-0d4e-4f5a-8b6c-2e3f4a5b6c7d")]
    public async Task A_key_without_identity_review_may_not_dismiss_list_or_undo_duplicate_dismissals(string method, string url)
    {
        using var factory = Hub(("pbx", ScreenPopKey, "context:read customers:read"));
        using var client = Client(factory, ScreenPopKey);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { customerId = Guid.NewGuid(), otherCustomerId = Guid.NewGuid() });
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("identity:review", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("missingScope").GetString());
    }

    [Fact]
    public async Task A_key_with_scopes_may_not_erase_a_customer()
    {
        using var factory = Hub(("pbx", ScreenPopKey, "context:read"));
        using var client = Client(factory, ScreenPopKey);

        using var erase = await client.PostAsync(new Uri($"api/customers/{Guid.NewGuid()}/erasure", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Forbidden, erase.StatusCode);
        Assert.Equal("privacy", (await erase.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("missingScope").GetString());
    }

    [Fact]
    public async Task A_configured_key_without_scopes_keeps_full_access()
    {
        using var factory = Hub(("pbx", ScreenPopKey, "context:read"), ("admin", FullKey, null));
        using var client = Client(factory, FullKey);

        using var replay = await client.PostAsync(new Uri("api/operations/failed-messages/replay", UriKind.Relative), null);
        using var customers = await client.GetAsync(new Uri("api/customers?email=nobody@example.com", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.OK, customers.StatusCode);
    }

    [Fact]
    public void An_unknown_scope_stops_the_start_naming_key_and_scope()
    {
        using var factory = Hub(("pbx", ScreenPopKey, "context:read customers:write"));

        var failure = Assert.Throws<HubConfigurationException>(() => factory.Server);

        Assert.Contains("Hub:ApiKeyScopes:pbx has the unknown scope 'customers:write'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scopes_for_a_key_that_is_not_configured_stop_the_start()
    {
        using var factory = Hub(("pbx", ScreenPopKey, null), ("pbxx", null, "context:read"));

        var failure = Assert.Throws<HubConfigurationException>(() => factory.Server);

        Assert.Contains("Hub:ApiKeyScopes:pbxx lists scopes for a key that is not configured", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_created_key_works_within_its_scopes_and_gets_401_at_once_when_revoked()
    {
        using var factory = Hub(("admin", FullKey, null));
        _ = factory.Server;
        string key;
        using (var scope = factory.Services.CreateScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>()
                .CreateAsync("twilio", [ApiScopes.ContextRead], "admin@example.com", CancellationToken.None);
            Assert.Empty(created.Problems);
            key = created.Key!;
        }
        using var client = Client(factory, key);
        using (var customers = await client.GetAsync(new Uri("api/customers?email=nobody@example.com", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, customers.StatusCode);
        }
        using (var context = await client.GetAsync(new Uri("api/context?phone=%2B4930123456", UriKind.Relative)))
        {
            // Inside its scope: the hub looks the caller up (and knows no such customer).
            Assert.Equal(HttpStatusCode.NotFound, context.StatusCode);
        }

        using (var scope = factory.Services.CreateScope())
        {
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>().RevokeAsync("twilio", "admin@example.com", CancellationToken.None));
        }

        using var revoked = await client.GetAsync(new Uri("api/context?phone=%2B4930123456", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task A_created_key_with_scopes_is_stored_so_that_a_version_without_scopes_does_not_accept_it()
    {
        using var factory = Hub(("admin", FullKey, null));
        _ = factory.Server;
        string key;
        string storedHash;
        using (var scope = factory.Services.CreateScope())
        {
            key = (await scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>()
                .CreateAsync("readonly", [ApiScopes.CustomersRead], "admin@example.com", CancellationToken.None)).Key!;
            var db = scope.ServiceProvider.GetRequiredService<Hub.Infrastructure.Persistence.HubDbContext>();
            storedHash = db.ApiKeys.Single(k => k.Name == "readonly").KeyHash;
        }

        // A version before scopes compares the plain SHA-256 of the presented key and ignores the scopes column.
        Assert.NotEqual(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))), storedHash);
        using var client = Client(factory, key);
        using var read = await client.GetAsync(new Uri("api/customers?email=nobody@example.com", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, read.StatusCode);
        using var erase = await client.PostAsync(new Uri($"api/customers/{Guid.NewGuid()}/erasure", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, erase.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_names_the_scope_of_each_operation()
    {
        using var factory = Hub(("admin", FullKey, null));
        using var client = factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("openapi/v1.json", UriKind.Relative));

        var paths = document.GetProperty("paths");
        Assert.Equal("context:read", ScopeOf(paths.GetProperty("/api/context/twiml").GetProperty("get")));
        Assert.Equal("operations", ScopeOf(paths.GetProperty("/api/operations/failed-messages/replay").GetProperty("post")));
        Assert.Equal("privacy", ScopeOf(paths.GetProperty("/api/customers/{id}/erasure").GetProperty("post")));
        Assert.Equal("identity:review", ScopeOf(paths.GetProperty("/api/customers/{id}/split").GetProperty("post")));
        Assert.Equal("customers:read", ScopeOf(paths.GetProperty("/api/customers/{id}").GetProperty("get")));
        Assert.Contains("`operations`", paths.GetProperty("/api/operations/failed-messages/replay").GetProperty("post").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_configuration_reference_names_every_scope()
    {
        var documented = typeof(ApiKeyScopeConfiguration)
            .GetCustomAttributes(typeof(ConfigurationKeyAttribute), false).Cast<ConfigurationKeyAttribute>().Single().Description;

        Assert.All(ApiScopes.All, s => Assert.Contains($"`{s.Scope}`", documented, StringComparison.Ordinal));
    }

    private static string? ScopeOf(JsonElement operation) =>
        operation.GetProperty("security")[0].GetProperty("apiKeyBearer")[0].GetString();

    private static HttpClient Client(WebApplicationFactory<Program> factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private WebApplicationFactory<Program> Hub(params (string Name, string? Key, string? Scopes)[] keys) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}");
            foreach (var (name, key, scopes) in keys)
            {
                if (key is not null)
                {
                    b.UseSetting($"Hub:ApiKeys:{name}", key);
                }
                if (scopes is not null)
                {
                    b.UseSetting($"Hub:ApiKeyScopes:{name}", scopes);
                }
            }
        });
}
