using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Connectors.Twitter.Tests.TwitterTestKit;
using Request = WireMock.RequestBuilders.Request;

namespace Hub.Connectors.Twitter.Tests.Connection;

/// <summary>"Test connection" against a WireMock X API: the account's tokens, refused credentials, another account, no X at all.</summary>
public sealed class ConnectionTestTests : IDisposable
{
    private readonly WireMockServer _x = WireMockServer.Start();

    [Fact]
    public async Task The_accounts_own_tokens_pass_and_are_signed_with_oauth1()
    {
        Me(200, $$$"""{"data":{"id":"{{{AccountUserId}}}","name":"ExampleCo Help","username":"ExampleCoHelp"}}""");

        var result = await TestAsync(WithTokens(_x.Url!));

        Assert.Equal(ConnectionTestOutcome.Ok, result.Outcome);
        Assert.StartsWith("OAuth ", Assert.Single(_x.LogEntries).RequestMessage!.Headers!["Authorization"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_of_another_account_are_bad_settings_naming_both()
    {
        Me(200, """{"data":{"id":"42","name":"Someone","username":"someone"}}""");

        var result = await TestAsync(WithTokens(_x.Url!));

        Assert.Equal(ConnectionTestOutcome.BadSettings, result.Outcome);
        Assert.Contains("42", result.Detail, StringComparison.Ordinal);
        Assert.Contains(AccountUserId, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_credentials_are_bad_settings()
    {
        Me(401, """{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}""");

        Assert.Equal(ConnectionTestOutcome.BadSettings, (await TestAsync(WithTokens(_x.Url!))).Outcome);
    }

    [Fact]
    public async Task The_bearer_token_alone_looks_the_account_up()
    {
        _x.Given(Request.Create().WithPath($"/2/users/{AccountUserId}").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody($$$"""{"data":{"id":"{{{AccountUserId}}}","username":"ExampleCoHelp"}}"""));

        var result = await TestAsync(Instance(("ApiBaseUrl", _x.Url), ("BearerToken", "app-bearer-token")));

        Assert.Equal(ConnectionTestOutcome.Ok, result.Outcome);
        Assert.Equal("Bearer app-bearer-token", Assert.Single(_x.LogEntries).RequestMessage!.Headers!["Authorization"][0]);
    }

    [Fact]
    public async Task An_unreachable_x_is_reported_as_such()
    {
        var result = await TestAsync(WithTokens(DirectHttpClientFactory.UnreachableUrl().ToString()));

        Assert.Equal(ConnectionTestOutcome.Unreachable, result.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }

    public void Dispose() => _x.Dispose();

    private static ConnectorInstance WithTokens(string apiBaseUrl) => Instance(("ApiBaseUrl", apiBaseUrl), ("ConsumerKey", "xvz1evFS4wEEPTGEFPHBog"),
        ("AccessToken", "1102497772336161459-token"), ("AccessTokenSecret", "account-token-secret"));

    private void Me(int status, string body) =>
        _x.Given(Request.Create().WithPath("/2/users/me").UsingGet()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private static ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance) =>
        ((IConnectionTester)Connector()).TestAsync(instance, CancellationToken.None);
}
