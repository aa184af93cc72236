using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.Time.Testing;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Auth;

/// <summary>OAuth 2.0 client credentials and JWT bearer; one token per org, renewed once when Salesforce rejects it.</summary>
public sealed class TokenTests : IDisposable
{
    private readonly FakeSalesforce _salesforce = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ISyncTarget _target;

    public TokenTests() => _target = (ISyncTarget)Connector(_time);

    private static System.Collections.Specialized.NameValueCollection Form(SentRequest request) => HttpUtility.ParseQueryString(request.Body);

    private Task PushAsync(ConnectorInstance instance, int customer = 1) =>
        _target.PushAsync(Change(customerId: new Guid(customer, 0, 0, new byte[8])), instance, CancellationToken.None).AsTask();

    [Fact]
    public async Task Client_credentials_are_posted_as_a_form_to_the_org_token_endpoint()
    {
        _salesforce.GrantsTokens().Answers("PATCH", "/services/data/*", 201, Sample("upsert-created-201.json"));

        await PushAsync(Instance(_salesforce.Url));

        var token = Assert.Single(_salesforce.Requests("POST", "/services/oauth2/token"));
        Assert.StartsWith("application/x-www-form-urlencoded", token.Header("Content-Type"), StringComparison.Ordinal);
        var form = Form(token);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("3MVG9-hub-consumer-key", form["client_id"]);
        Assert.Equal("hub-consumer-secret", form["client_secret"]);
    }

    [Fact]
    public async Task JWT_bearer_posts_an_RS256_assertion_for_the_user_to_the_login_URL()
    {
        using var rsa = RSA.Create(2048);
        _salesforce.GrantsTokens().Answers("PATCH", "/services/data/*", 201, Sample("upsert-created-201.json"));
        var instance = Instance(_salesforce.Url, ("ClientSecret", null), ("Username", "hub-integration@example.com"),
            ("PrivateKey", rsa.ExportPkcs8PrivateKeyPem()), ("LoginUrl", _salesforce.Url.ToString()));

        await PushAsync(instance);

        var form = Form(Assert.Single(_salesforce.Requests("POST", "/services/oauth2/token")));
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", form["grant_type"]);
        var parts = form["assertion"]!.Split('.');
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Equal("RS256", JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!["alg"]!.GetValue<string>());
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        Assert.Equal("3MVG9-hub-consumer-key", claims["iss"]!.GetValue<string>());
        Assert.Equal("hub-integration@example.com", claims["sub"]!.GetValue<string>());
        Assert.Equal(_salesforce.Url.GetLeftPart(UriPartial.Authority), claims["aud"]!.GetValue<string>());
        Assert.Equal(Now.AddMinutes(3).ToUnixTimeSeconds(), claims["exp"]!.GetValue<long>());
    }

    [Fact]
    public async Task One_token_serves_many_pushes()
    {
        _salesforce.GrantsTokens().Answers("PATCH", "/services/data/*", 201, Sample("upsert-created-201.json"));

        await PushAsync(Instance(_salesforce.Url), 1);
        await PushAsync(Instance(_salesforce.Url), 2);
        await PushAsync(Instance(_salesforce.Url), 3);

        Assert.Equal(1, _salesforce.TokenRequests);
        Assert.Equal(3, _salesforce.Requests("PATCH", FakeSalesforce.ContactsPath).Count);
    }

    [Fact]
    public async Task An_expired_session_leads_to_exactly_one_refresh_and_one_retry()
    {
        _salesforce.GrantsTokens(rotate: true)
            .Answers("PATCH", "/services/data/*", 401, Sample("error-invalid-session.json"), onlyWithToken: "first-token")
            .Answers("PATCH", "/services/data/*", 201, Sample("upsert-created-201.json"), onlyWithToken: "second-token");

        var result = await _target.PushAsync(Change(), Instance(_salesforce.Url), CancellationToken.None);

        Assert.True(result.Delivered, result.Detail);
        Assert.Equal(2, _salesforce.TokenRequests);
        Assert.Equal(
            ["Bearer 00D5g000004SdQn!first-token", "Bearer 00D5g000004SdQn!second-token"],
            _salesforce.Requests("PATCH", FakeSalesforce.ContactsPath).Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Many_concurrent_calls_with_an_expired_session_share_one_refresh()
    {
        _salesforce.GrantsTokens(rotate: true).Answers("PATCH", "/services/data/*", 201, Sample("upsert-created-201.json"));
        await PushAsync(Instance(_salesforce.Url), 0);
        _salesforce.Answers("PATCH", "/services/data/*", 401, Sample("error-invalid-session.json"), onlyWithToken: "first-token")
            .Answers("PATCH", "/services/data/*", 201, Sample("upsert-created-201.json"), onlyWithToken: "second-token");

        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => PushAsync(Instance(_salesforce.Url), i)));

        Assert.Equal(2, _salesforce.TokenRequests);
        Assert.Equal(8, _salesforce.Requests("PATCH", FakeSalesforce.ContactsPath).Count(r => r.Header("Authorization")!.EndsWith("second-token", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_session_refused_again_after_the_refresh_throws_without_looping()
    {
        _salesforce.GrantsTokens().Answers("PATCH", "/services/data/*", 401, Sample("error-invalid-session.json"));

        var e = await Assert.ThrowsAnyAsync<Exception>(() => PushAsync(Instance(_salesforce.Url)));

        Assert.Contains("INVALID_SESSION_ID", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, _salesforce.TokenRequests);
        Assert.Equal(2, _salesforce.Requests("PATCH", FakeSalesforce.ContactsPath).Count);
    }

    [Fact]
    public async Task Refused_credentials_throw_naming_Salesforces_error_and_keep_the_change_for_a_retry()
    {
        _salesforce.RefusesTokens();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => PushAsync(Instance(_salesforce.Url)));

        Assert.Contains("invalid_grant: Audience validation failed", e.Message, StringComparison.Ordinal);
        Assert.Empty(_salesforce.Requests("PATCH", "/services/data"));
    }

    [Fact]
    public async Task Changed_credentials_get_a_token_of_their_own()
    {
        _salesforce.GrantsTokens().Answers("PATCH", "/services/data/*", 201, Sample("upsert-created-201.json"));

        await PushAsync(Instance(_salesforce.Url), 1);
        await PushAsync(Instance(_salesforce.Url, ("ClientSecret", "rotated-secret")), 2);

        Assert.Equal(["hub-consumer-secret", "rotated-secret"], _salesforce.Requests("POST", "/services/oauth2/token").Select(r => Form(r)["client_secret"]));
    }

    public void Dispose() => _salesforce.Dispose();
}
