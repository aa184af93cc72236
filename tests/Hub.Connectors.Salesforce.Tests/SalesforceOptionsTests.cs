using System.Security.Cryptography;
using Hub.Contracts.Connectors;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests;

/// <summary>Instance settings as the host checks them: <see cref="ConnectorSettingsValidator.Validate"/>.</summary>
public sealed class SalesforceOptionsTests
{
    private static readonly (string, string?)[] Minimal = [("OrganizationId", OrgId15), ("InstanceUrl", SampleInstanceUrl)];

    private static IReadOnlyList<string> Problems(params (string Name, string? Value)[] values) =>
        ConnectorSettingsValidator.Validate(Connector(), Settings([.. Minimal.Where(m => !values.Any(v => v.Name == m.Item1)), .. values]));

    private static void AssertOneProblemNaming(string option, IReadOnlyList<string> problems)
    {
        var problem = Assert.Single(problems);
        Assert.Contains($"'{option}'", problem, StringComparison.Ordinal);
    }

    private static string PrivateKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    [Fact]
    public void Connector_describes_itself_with_the_contract_option_names()
    {
        var descriptor = Connector().Descriptor;

        Assert.Equal("salesforce", descriptor.Kind);
        Assert.Equal(
            ["OrganizationId", "InstanceUrl", "LoginUrl", "ClientId", "ClientSecret", "Username", "PrivateKey", "ExternalIdField", "ApiVersion", "FieldMapping",
             "EndpointSecret", "IntegrationUserId", "TaskChannels", "TaskExternalIdField", "DefaultRegion",
             "SmsOptOutField", "ErasureMode"],
            descriptor.Options.Select(o => o.Name));
        Assert.Equal(["ClientSecret", "PrivateKey", "EndpointSecret"], descriptor.Options.Where(o => o.IsSecret).Select(o => o.Name));
        Assert.Equal("Hub_Customer_Id__c", descriptor.Options.Single(o => o.Name == "ExternalIdField").DefaultValue);
        Assert.Equal(["OrganizationId", "InstanceUrl"], descriptor.Options.Where(o => o.Required).Select(o => o.Name));
    }

    [Fact]
    public void The_endpoint_secret_is_described_only_in_the_forms_the_hub_routes()
    {
        var description = Connector().Descriptor.Options.Single(o => o.Name == "EndpointSecret").Description;

        Assert.Contains("/webhooks/<id>?secret=<token>", description, StringComparison.Ordinal);
        Assert.DoesNotContain("/webhooks/<id>/<token>", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Org_id_and_instance_URL_alone_are_valid_as_an_inbound_only_instance()
    {
        Assert.Empty(Problems());
    }

    [Theory]
    [InlineData(OrgId15)]
    [InlineData(OrgId18)]
    public void Org_id_of_15_or_18_characters_is_valid(string orgId)
    {
        Assert.Empty(Problems(("OrganizationId", orgId)));
    }

    [Theory]
    [InlineData("00D5g000004SdQnEAA")]
    [InlineData("00d5g000004sdqneak")]
    [InlineData("0035g00000Qk7XaAAJ")]
    [InlineData("00D5g000004SdQ")]
    [InlineData("00D5g000004SdQn!")]
    public void Org_id_with_a_wrong_checksum_case_prefix_or_length_is_one_problem(string orgId)
    {
        AssertOneProblemNaming("OrganizationId", Problems(("OrganizationId", orgId)));
    }

    [Fact]
    public void Missing_org_id_is_a_problem_naming_it()
    {
        var problems = ConnectorSettingsValidator.Validate(Connector(), Settings(("InstanceUrl", SampleInstanceUrl)));

        Assert.Contains(problems, p => p.Contains("'OrganizationId'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("InstanceUrl", "http://example.my.salesforce.com")]
    [InlineData("LoginUrl", "http://login.salesforce.com")]
    public void Plain_http_to_Salesforce_is_one_problem(string option, string url)
    {
        AssertOneProblemNaming(option, Problems((option, url)));
    }

    [Fact]
    public void Plain_http_to_a_loopback_simulator_is_valid()
    {
        Assert.Empty(Problems(("InstanceUrl", "http://127.0.0.1:8080"), ("LoginUrl", "http://localhost:8080")));
    }

    [Fact]
    public void Client_credentials_are_valid()
    {
        Assert.Empty(Problems(("ClientId", "3MVG9"), ("ClientSecret", "s")));
    }

    [Fact]
    public void JWT_bearer_with_a_PEM_key_is_valid_even_with_escaped_newlines()
    {
        Assert.Empty(Problems(("ClientId", "3MVG9"), ("Username", "hub@example.com"), ("PrivateKey", PrivateKeyPem())));
        Assert.Empty(Problems(("ClientId", "3MVG9"), ("Username", "hub@example.com"), ("PrivateKey", PrivateKeyPem().Replace("\n", "\\n", StringComparison.Ordinal))));
    }

    [Fact]
    public void Private_key_that_is_not_PEM_is_one_problem_naming_it()
    {
        AssertOneProblemNaming("PrivateKey", Problems(("ClientId", "3MVG9"), ("Username", "hub@example.com"), ("PrivateKey", "not a key")));
    }

    [Theory]
    [InlineData("ClientSecret", "s")]
    [InlineData("Username", "hub@example.com")]
    public void Credentials_without_a_client_id_are_one_problem_naming_it(string option, string value)
    {
        AssertOneProblemNaming("ClientId", Problems((option, value)));
    }

    [Fact]
    public void Client_id_without_a_secret_or_key_is_one_problem()
    {
        AssertOneProblemNaming("ClientSecret", Problems(("ClientId", "3MVG9")));
    }

    [Fact]
    public void Username_without_a_private_key_is_one_problem()
    {
        AssertOneProblemNaming("PrivateKey", Problems(("ClientId", "3MVG9"), ("Username", "hub@example.com")));
    }

    [Fact]
    public void Both_flows_at_once_are_one_problem()
    {
        AssertOneProblemNaming("ClientSecret", Problems(("ClientId", "3MVG9"), ("ClientSecret", "s"), ("Username", "hub@example.com"), ("PrivateKey", PrivateKeyPem())));
    }

    [Theory]
    [InlineData("Hub Customer Id")]
    [InlineData("1Field__c")]
    [InlineData("Hub-Customer")]
    public void External_id_field_that_is_not_an_API_name_is_one_problem(string field)
    {
        AssertOneProblemNaming("ExternalIdField", Problems(("ExternalIdField", field)));
    }

    [Theory]
    [InlineData("66.0")]
    [InlineData("v61.0")]
    [InlineData("46.0")]
    public void API_version_46_or_later_is_valid(string version)
    {
        Assert.Empty(Problems(("ApiVersion", version)));
    }

    [Theory]
    [InlineData("45.0")]
    [InlineData("66")]
    [InlineData("latest")]
    public void API_version_before_46_or_not_a_version_is_one_problem(string version)
    {
        AssertOneProblemNaming("ApiVersion", Problems(("ApiVersion", version)));
    }

    [Theory]
    [InlineData("email")]
    [InlineData("email=Email, email=Secondary_Email__c")]
    [InlineData("email=Email, work=email")]
    [InlineData("id=Id")]
    [InlineData("email=E mail")]
    public void Field_mapping_that_is_not_distinct_hubField_equals_ContactField_pairs_is_one_problem(string mapping)
    {
        AssertOneProblemNaming("FieldMapping", Problems(("FieldMapping", mapping)));
    }

    [Fact]
    public void Field_mapping_with_custom_fields_is_valid()
    {
        Assert.Empty(Problems(("FieldMapping", "email=Email; loyaltyTier=Loyalty_Tier__c\nlastName=LastName")));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has a space in it, long enough")]
    [InlineData("slash/in/the/secret/is/bad")]
    public void Endpoint_secret_that_is_short_or_not_URL_safe_is_one_problem(string secret)
    {
        AssertOneProblemNaming("EndpointSecret", Problems(("EndpointSecret", secret)));
    }

    [Theory]
    [InlineData("0035g00000Qk7XaAAJ")]
    [InlineData("someone")]
    public void Integration_user_id_that_is_not_a_user_id_is_one_problem(string user)
    {
        AssertOneProblemNaming("IntegrationUserId", Problems(("IntegrationUserId", user)));
    }

    [Theory]
    [InlineData("phone, fax")]
    [InlineData("PHONE")]
    public void Task_channels_with_an_unknown_channel_are_one_problem(string channels)
    {
        AssertOneProblemNaming("TaskChannels", Problems(("TaskChannels", channels)));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("phone")]
    [InlineData("email, social, sms, phone, web, crm")]
    public void Task_channels_none_or_known_channels_are_valid(string channels)
    {
        Assert.Empty(Problems(("TaskChannels", channels)));
    }

    [Theory]
    [InlineData("Germany")]
    [InlineData("D1")]
    [InlineData("XX")]
    [InlineData("QQ")]
    public void Default_region_that_is_not_an_ISO_3166_region_is_one_problem(string region)
    {
        AssertOneProblemNaming("DefaultRegion", Problems(("DefaultRegion", region)));
    }
}
