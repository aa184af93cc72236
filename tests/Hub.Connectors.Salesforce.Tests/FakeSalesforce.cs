using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Connectors.Salesforce.Tests;

/// <summary>
/// Salesforce played by WireMock on loopback, answering with the documented bodies from the samples:
/// the token endpoint (its instance_url pointing back here), upserts, collections, Tasks and describe.
/// </summary>
internal sealed class FakeSalesforce : IDisposable
{
    public const string ContactsPath = "/services/data/v66.0/sobjects/Contact";

    public FakeSalesforce() => Server = WireMockServer.Start();

    public WireMockServer Server { get; }

    public Uri Url => new(Server.Url!);

    public static string TokenBody(Uri instanceUrl, string accessToken = "00D5g000004SdQn!first-token")
    {
        var token = JsonNode.Parse(SalesforceTestKit.Sample("oauth-token-response.json"))!;
        token["instance_url"] = instanceUrl.ToString().TrimEnd('/');
        token["access_token"] = accessToken;
        return token.ToJsonString();
    }

    /// <summary>The token endpoint hands out tokens (<c>first-token</c>, then <c>second-token</c> if <paramref name="rotate"/>).</summary>
    public FakeSalesforce GrantsTokens(bool rotate = false)
    {
        var request = Request.Create().WithPath("/services/oauth2/token").UsingPost();
        if (!rotate)
        {
            Server.Given(request).RespondWith(Json(200, TokenBody(Url)));
            return this;
        }
        Server.Given(request).InScenario("tokens").WillSetStateTo("second").RespondWith(Json(200, TokenBody(Url)));
        Server.Given(request).InScenario("tokens").WhenStateIs("second").RespondWith(Json(200, TokenBody(Url, "00D5g000004SdQn!second-token")));
        return this;
    }

    public FakeSalesforce RefusesTokens()
    {
        Server.Given(Request.Create().WithPath("/services/oauth2/token").UsingPost())
            .RespondWith(Json(400, SalesforceTestKit.Sample("oauth-error.json")));
        return this;
    }

    public FakeSalesforce Answers(string method, string pathPattern, int status, string? body = null, string? onlyWithToken = null, int? retryAfterSeconds = null)
    {
        var request = Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher(pathPattern)).UsingMethod(method);
        if (onlyWithToken is not null)
        {
            request = request.WithHeader("Authorization", $"Bearer 00D5g000004SdQn!{onlyWithToken}");
        }
        var response = body is null ? Response.Create().WithStatusCode(status) : Json(status, body);
        if (retryAfterSeconds is { } seconds)
        {
            response = response.WithHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Server.Given(request).RespondWith(response);
        return this;
    }

    public IReadOnlyList<SentRequest> Requests(string method, string pathPrefix) =>
        [.. Server.LogEntries.Select(e => e.RequestMessage).OfType<WireMock.IRequestMessage>()
            .Where(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
            .Select(r => new SentRequest(r))];

    public int TokenRequests => Requests("POST", "/services/oauth2/token").Count;

    public void Dispose() => Server.Dispose();

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
}

/// <summary>What a test reads of a request Salesforce received.</summary>
internal sealed record SentRequest(WireMock.IRequestMessage Message)
{
    public string Path => Message.Path;

    public string Body => Message.Body ?? "";

    public JsonNode Json => JsonNode.Parse(Body)!;

    public string? Header(string name) =>
        Message.Headers?.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => string.Join(",", h.Value)).FirstOrDefault();
}
