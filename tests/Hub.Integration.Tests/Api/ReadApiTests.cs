using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;

namespace Hub.Integration.Tests.Api;

public sealed class EmbeddedHubFixture : IAsyncLifetime
{
    public EmbeddedHub Embedded { get; private set; } = null!;

    public async Task InitializeAsync() => Embedded = await EmbeddedHub.StartAsync();

    public async Task DisposeAsync() => await Embedded.DisposeAsync();
}

/// <summary>The read API: master record, timeline and search, behind an API key.</summary>
public sealed class ReadApiTests(EmbeddedHubFixture fixture) : IClassFixture<EmbeddedHubFixture>
{
    private HttpClient Client => fixture.Embedded.Hub.Client;

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-key")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task The_api_refuses_requests_without_a_valid_key_with_401_problem(string? authorization)
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Embedded.Hub.BaseAddress };
        if (authorization is not null)
        {
            anonymous.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }
        using var response = await anonymous.GetAsync(new Uri("api/customers?email=a@example.com", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Search_by_email_or_phone_normalizes_the_query_and_answers_an_array()
    {
        const string body = """{"type":"identify","messageId":"search-1","userId":"s1","traits":{"email":"Search.Me@Example.org","phone":"(201) 555-0123"}}""";
        using (var response = await fixture.Embedded.Sender.SendAsync(body))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var byEmail = await PollAsync("api/customers?email=%20search.me@EXAMPLE.org%20");
        Assert.Equal(1, byEmail.GetArrayLength());
        var byPhone = await Client.GetFromJsonAsync<JsonElement>(new Uri("api/customers?phone=%2B1%20201%20555%200123", UriKind.Relative));
        Assert.Equal(byEmail[0].GetProperty("id").GetString(), byPhone[0].GetProperty("id").GetString());
        var none = await Client.GetFromJsonAsync<JsonElement>(new Uri("api/customers?email=nobody@example.org", UriKind.Relative));
        Assert.Equal(0, none.GetArrayLength());
    }

    [Theory]
    [InlineData("api/customers")]
    [InlineData("api/customers?email=not-an-address")]
    [InlineData("api/customers?phone=abc")]
    public async Task A_search_without_a_usable_identifier_is_a_400_problem(string url)
    {
        using var response = await Client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_customer_is_a_404_problem()
    {
        using var response = await Client.GetAsync(new Uri($"api/customers/{Guid.NewGuid()}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var timeline = await Client.GetAsync(new Uri($"api/customers/{Guid.NewGuid()}/timeline", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, timeline.StatusCode);
    }

    [Fact]
    public async Task The_timeline_pages_newest_first_with_a_cursor()
    {
        var events = Enumerable.Range(0, 5).Select(i =>
            $$$"""{"type":"track","messageId":"page-{{{i}}}","userId":"pager","event":"Step {{{i}}}","context":{"traits":{"email":"pager@example.org"}},"timestamp":"2026-02-0{{{i + 1}}}T10:00:00Z"}""");
        foreach (var body in events)
        {
            using var response = await fixture.Embedded.Sender.SendAsync(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var id = (await PollAsync("api/customers?email=pager@example.org"))[0].GetProperty("id").GetString();
        var summaries = new List<string>();
        string? cursor = null;
        var pages = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (summaries.Count < 5 && DateTime.UtcNow < deadline)
        {
            summaries.Clear();
            pages = 0;
            cursor = null;
            do
            {
                var url = $"api/customers/{id}/timeline?limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
                var page = await Client.GetFromJsonAsync<JsonElement>(new Uri(url, UriKind.Relative));
                summaries.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("summary").GetString()!));
                cursor = page.GetProperty("nextCursor").GetString();
                pages++;
            }
            while (cursor is not null);
            await Task.Delay(100);
        }
        Assert.Equal(["Step 4", "Step 3", "Step 2", "Step 1", "Step 0"], summaries);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("GET", "api/customers?email=a@b", null, "'a@b' cannot be searched for as email: the e-mail domain has no dot.")]
    [InlineData("GET", "api/context?phone=555-0177", null, "'555-0177' cannot be looked up as phone: a local phone number without an area code")]
    [InlineData("GET", "api/operations/failed-messages?limit=abc", null, "'limit' must be a whole number (got 'abc').")]
    [InlineData("PUT", "api/customers/3f2b8c1e-8d3a-4c55-9a66-0b1d2e3f4a5b/consent", "[]", "The body is not what this request takes: it must be a JSON object.")]
    [InlineData("PUT", "api/customers/3f2b8c1e-8d3a-4c55-9a66-0b1d2e3f4a5b/consent", """{"channel":5,"status":"denied"}""", "The body is not what this request takes: the value at $.channel has the wrong type.")]
    [InlineData("PUT", "api/customers/3f2b8c1e-8d3a-4c55-9a66-0b1d2e3f4a5b/consent", """{"channel":"sms",""", "The body is not valid JSON: ")]
    public async Task A_400_says_what_is_wrong_in_the_clients_terms_not_the_hubs_types(string method, string url, string? body, string expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.True(detail!.StartsWith(expected, StringComparison.Ordinal), detail);
        Assert.DoesNotContain("Nullable", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Hub.", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_cursor_is_a_400_problem()
    {
        using var response = await Client.GetAsync(new Uri($"api/customers/{Guid.NewGuid()}/timeline?cursor=%%%", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_rest_api()
    {
        var document = await Client.GetFromJsonAsync<JsonElement>(new Uri("openapi/v1.json", UriKind.Relative));
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/customers/{id}/timeline", out _));
        Assert.True(paths.TryGetProperty("/webhooks/{connectorInstanceId}", out var webhooks));
        var bodyTypes = webhooks.GetProperty("post").GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(p => p.Name);
        Assert.Contains("application/cloudevents-batch+json", bodyTypes);
        Assert.Contains("text/xml", bodyTypes);
    }

    [Fact]
    public async Task The_openapi_document_is_fit_for_client_generation()
    {
        var document = await Client.GetFromJsonAsync<JsonElement>(new Uri("openapi/v1.json", UriKind.Relative));
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name, Operation: op.Value)))
            .ToList();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");

        var ids = operations.Select(o => o.Operation.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("bearer", schemes.GetProperty("apiKeyBearer").GetProperty("scheme").GetString());
        Assert.Equal("basic", schemes.GetProperty("apiKeyBasic").GetProperty("scheme").GetString());
        Assert.All(operations.Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)), o =>
        {
            var required = o.Operation.TryGetProperty("security", out var security)
                ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList()
                : [];
            Assert.True(required.Contains("apiKeyBearer") && required.Contains("apiKeyBasic"), $"{o.Method} {o.Path} names no API key scheme");
        });
        Assert.DoesNotContain(operations, o => o.Path.StartsWith("/webhooks/", StringComparison.Ordinal) && o.Operation.TryGetProperty("security", out _));
        Assert.All(operations, o =>
        {
            var success = o.Operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
            Assert.True(success.Count > 0, $"{o.Method} {o.Path} describes no success response");
            // Webhooks and the connector API answer their sources with nothing or the source's own format.
            if (o.Path.StartsWith("/api/", StringComparison.Ordinal))
            {
                Assert.True(success.Any(r => r.Value.TryGetProperty("content", out var content)
                    && content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _))), $"{o.Method} {o.Path} describes no success schema");
            }
        });
        foreach (var path in new[] { "/api/customers/{id}", "/api/customers/{id}/timeline", "/api/customers/{id}/consent", "/api/customers/{id}/health", "/api/customers/{id}/sync" })
        {
            var responses = document.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("responses");
            Assert.True(responses.TryGetProperty("301", out _), $"GET {path} describes no 301");
            Assert.True(responses.TryGetProperty("404", out _), $"GET {path} describes no 404");
        }
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_without_a_key()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Embedded.Hub.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("health/live", UriKind.Relative))).StatusCode);
        using var ready = await anonymous.GetAsync(new Uri("health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        // The answer names the process and each check, so an operator sees why a process is out of the rotation.
        var report = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.StartsWith(Environment.MachineName + "/", report.GetProperty("instance").GetString(), StringComparison.Ordinal);
        var checks = report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["database"]);
        Assert.Contains(checks, c => c.Key.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_with_413()
    {
        var huge = "{\"type\":\"identify\",\"userId\":\"big\",\"traits\":{\"blob\":\"" + new string('x', 300 * 1024) + "\"}}";
        using var response = await fixture.Embedded.Sender.SendAsync(huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private async Task<JsonElement> PollAsync(string url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement result;
        do
        {
            result = await Client.GetFromJsonAsync<JsonElement>(new Uri(url, UriKind.Relative));
            if (result.GetArrayLength() > 0)
            {
                return result;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return result;
    }
}
