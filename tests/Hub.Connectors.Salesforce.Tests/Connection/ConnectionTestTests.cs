using System.Text.Json.Nodes;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.Time.Testing;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Connection;

/// <summary>"Test connection": a token and a Contact describe; refusals are bad settings, silence is unreachable.</summary>
public sealed class ConnectionTestTests : IDisposable
{
    private const string DescribePath = "/services/data/v66.0/sobjects/Contact/describe";
    private readonly FakeSalesforce _salesforce = new();
    private readonly IConnectionTester _tester = (IConnectionTester)Connector(new FakeTimeProvider(Now));

    internal static string Describe(bool externalId = true, bool unique = true, params string[] without)
    {
        var names = new[] { "Id", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "Title", "MailingStreet", "MailingCity", "MailingState",
            "MailingPostalCode", "MailingCountry", "DoNotCall", "HasOptedOutOfEmail", "Hub_Customer_Id__c" };
        var fields = new JsonArray([.. names.Except(without).Select(n => (JsonNode)new JsonObject
        {
            ["name"] = n,
            ["type"] = "string",
            ["updateable"] = n != "Id",
            ["externalId"] = n == "Hub_Customer_Id__c" && externalId,
            ["unique"] = n == "Hub_Customer_Id__c" && unique,
        })]);
        return new JsonObject { ["name"] = "Contact", ["label"] = "Contact", ["keyPrefix"] = "003", ["fields"] = fields }.ToJsonString();
    }

    private Task<ConnectionTestResult> TestAsync(ConnectorInstance? instance = null) =>
        _tester.TestAsync(instance ?? Instance(_salesforce.Url), CancellationToken.None).AsTask();

    [Fact]
    public async Task Token_and_describe_with_every_field_is_ok()
    {
        _salesforce.GrantsTokens().Answers("GET", DescribePath, 200, Describe());

        var result = await TestAsync();

        Assert.Equal(ConnectionTestOutcome.Ok, result.Outcome);
        Assert.Contains("0055g00000DkRw2AAF", result.Detail, StringComparison.Ordinal);
        Assert.Equal("Bearer 00D5g000004SdQn!first-token", Assert.Single(_salesforce.Requests("GET", DescribePath)).Header("Authorization"));
    }

    [Fact]
    public async Task Refused_credentials_are_bad_settings_with_the_error_of_the_token_endpoint()
    {
        _salesforce.RefusesTokens();

        var result = await TestAsync();

        Assert.Equal(ConnectionTestOutcome.BadSettings, result.Outcome);
        Assert.Contains("invalid_grant: Audience validation failed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_external_id_field_is_bad_settings_naming_it()
    {
        _salesforce.GrantsTokens().Answers("GET", DescribePath, 200, Describe(without: "Hub_Customer_Id__c"));

        var result = await TestAsync();

        Assert.Equal(ConnectionTestOutcome.BadSettings, result.Outcome);
        Assert.Contains("Hub_Customer_Id__c", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_external_id_field_not_marked_External_ID_is_bad_settings()
    {
        _salesforce.GrantsTokens().Answers("GET", DescribePath, 200, Describe(externalId: false));

        Assert.Contains("not marked External ID", (await TestAsync()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_external_id_field_not_marked_Unique_is_bad_settings()
    {
        _salesforce.GrantsTokens().Answers("GET", DescribePath, 200, Describe(unique: false));

        var result = await TestAsync();

        Assert.Equal(ConnectionTestOutcome.BadSettings, result.Outcome);
        Assert.Contains("Hub_Customer_Id__c is not marked Unique", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("External ID", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mapped_field_the_user_cannot_see_is_bad_settings_naming_it()
    {
        _salesforce.GrantsTokens().Answers("GET", DescribePath, 200, Describe(without: "MobilePhone"));

        var result = await TestAsync();

        Assert.Equal(ConnectionTestOutcome.BadSettings, result.Outcome);
        Assert.Contains("MobilePhone", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_API_version_the_org_does_not_have_is_bad_settings()
    {
        _salesforce.GrantsTokens().Answers("GET", "/services/data/v99.0/*", 404, """[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""");

        var result = await TestAsync(Instance(_salesforce.Url, ("ApiVersion", "99.0")));

        Assert.Equal(ConnectionTestOutcome.BadSettings, result.Outcome);
        Assert.Contains("99.0", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_is_unreachable()
    {
        _salesforce.Answers("POST", "/services/oauth2/token", 503, "[]");

        Assert.Equal(ConnectionTestOutcome.Unreachable, (await TestAsync()).Outcome);
    }

    [Fact]
    public async Task An_inbound_only_instance_is_ok_without_calling_anything()
    {
        var result = await TestAsync(Instance(_salesforce.Url, ("ClientId", null), ("ClientSecret", null)));

        Assert.Equal(ConnectionTestOutcome.Ok, result.Outcome);
        Assert.Empty(_salesforce.Server.LogEntries);
    }

    public void Dispose() => _salesforce.Dispose();
}
