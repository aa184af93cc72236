using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Inbound;

/// <summary>Who may post: the configured org, and the endpoint secret when one is configured.</summary>
public sealed class EndpointAuthenticationTests
{
    private static readonly string Contacts = Sample("outbound-message-contact.xml");

    [Fact]
    public async Task Message_from_another_org_is_refused_with_403_and_nothing_is_accepted()
    {
        var forged = Contacts.Replace(OrgId18, "00D5g000001AbCdEAE", StringComparison.Ordinal);

        var rejection = await RejectedAsync(OutboundMessage(forged));

        Assert.Equal(403, rejection.StatusCode);
        Assert.Contains("00D5g000001AbCdEAE", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00D5g000004SdQn")]
    [InlineData("00D5g000004SdQnEAK")]
    public async Task Org_id_configured_with_15_or_18_characters_accepts_the_18_character_id_of_the_message(string configured)
    {
        Assert.Equal(2, (await AcceptedAsync(OutboundMessage(Contacts), Instance(null, ("OrganizationId", configured)))).Count);
    }

    [Theory]
    [InlineData("<OrganizationId>00D5g000004SdQn</OrganizationId>")]
    public async Task Message_carrying_the_15_character_org_id_is_accepted(string element)
    {
        var xml = Contacts.Replace($"<OrganizationId>{OrgId18}</OrganizationId>", element, StringComparison.Ordinal);

        Assert.Equal(2, (await AcceptedAsync(OutboundMessage(xml))).Count);
    }

    [Theory]
    [InlineData("<OrganizationId>00d5g000004sdqn</OrganizationId>")]
    [InlineData("<OrganizationId>00D5g000004SdQnEAA</OrganizationId>")]
    [InlineData("")]
    public async Task Org_id_in_another_case_with_a_wrong_suffix_or_missing_is_refused(string element)
    {
        var xml = Contacts.Replace($"<OrganizationId>{OrgId18}</OrganizationId>", element, StringComparison.Ordinal);

        Assert.Equal(403, (await RejectedAsync(OutboundMessage(xml))).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?secret=wrong-secret-0123456789")]
    // The hub routes only /webhooks/{instance}: a secret as an extra path segment is answered 404 before the connector.
    [InlineData("/" + EndpointSecret)]
    public async Task With_a_secret_configured_a_message_without_it_is_refused_with_401_naming_the_forms_that_work(string path)
    {
        var rejection = await RejectedAsync(OutboundMessage(Contacts, path));

        Assert.Equal(401, rejection.StatusCode);
        Assert.Contains("endpoint secret", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("?secret=<EndpointSecret>", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer <EndpointSecret>", rejection.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("path segment", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_secret_may_be_the_secret_query_parameter()
    {
        Assert.Equal(2, (await AcceptedAsync(OutboundMessage(Contacts, "?secret=" + EndpointSecret))).Count);
    }

    [Fact]
    public async Task Without_a_secret_configured_the_org_id_alone_admits_a_message()
    {
        Assert.Equal(2, (await AcceptedAsync(OutboundMessage(Contacts, ""), Instance(null, ("EndpointSecret", null)))).Count);
    }

    [Fact]
    public async Task Change_event_with_the_secret_as_a_Bearer_token_is_accepted()
    {
        Assert.Single(await AcceptedAsync(ChangeEvent(Sample("cdc-contact-update.json"))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-secret-0123456789")]
    public async Task Change_event_without_the_secret_is_refused_with_401(string? secret)
    {
        Assert.Equal(401, (await RejectedAsync(ChangeEvent(Sample("cdc-contact-update.json"), secret))).StatusCode);
    }

    [Fact]
    public async Task Change_events_are_refused_when_no_secret_is_configured_since_they_carry_no_org_id()
    {
        var rejection = await RejectedAsync(ChangeEvent(Sample("cdc-contact-update.json")), Instance(null, ("EndpointSecret", null)));

        Assert.Equal(401, rejection.StatusCode);
        Assert.Contains("EndpointSecret", rejection.Detail, StringComparison.Ordinal);
    }
}
