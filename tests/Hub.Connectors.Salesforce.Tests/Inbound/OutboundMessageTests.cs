using System.Xml.Linq;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Inbound;

/// <summary>The documented Outbound Message envelopes in, touchpoints and the exact SOAP answers out.</summary>
public sealed class OutboundMessageTests
{
    private static readonly string ContactType = IdentifierTypes.ExternalRecord("salesforce", "contact");

    [Fact]
    public async Task Each_contact_notification_becomes_one_touchpoint_keyed_by_its_notification_id()
    {
        var touchpoints = await AcceptedAsync(OutboundMessage(Sample("outbound-message-contact.xml")));

        Assert.Equal(["om:04l5g00000F3kTaAAJ", "om:04l5g00000F3kTbAAJ"], touchpoints.Select(t => t.SourceEventId));
        Assert.All(touchpoints, t => Assert.Equal("crm.contact.updated", t.Type));
        Assert.All(touchpoints, t => Assert.Equal(TouchpointChannels.Crm, t.Channel));
    }

    [Fact]
    public async Task Contact_brings_its_record_id_email_and_phones_as_identifiers()
    {
        var amara = (await AcceptedAsync(OutboundMessage(Sample("outbound-message-contact.xml"))))[0];

        Assert.Equal(
            [new(ContactType, Amara), CustomerIdentifier.Email("amara.okafor@example.com"),
             CustomerIdentifier.Phone("+1 503-555-0100"), CustomerIdentifier.Phone("+1 503-555-0147")],
            amara.Identities);
    }

    [Fact]
    public async Task Contact_fields_become_profile_facts_through_the_default_mapping()
    {
        var amara = (await AcceptedAsync(OutboundMessage(Sample("outbound-message-contact.xml"))))[0];

        Assert.Equal(new Dictionary<string, string>
        {
            ["firstName"] = "Amara",
            ["lastName"] = "Okafor",
            ["name"] = "Amara Okafor",
            ["email"] = "amara.okafor@example.com",
            ["phone"] = "+1 503-555-0100",
            ["mobilePhone"] = "+1 503-555-0147",
            ["title"] = "Operations Manager",
            ["address.street"] = "1420 SW Example Ave",
            ["address.city"] = "Portland",
            ["address.state"] = "OR",
            ["address.postalCode"] = "97205",
            ["address.country"] = "United States",
            ["consent.phone"] = "granted",
            ["consent.email.marketing"] = "granted",
        }, amara.ProfileFacts);
    }

    [Fact]
    public async Task Configured_mapping_decides_which_fields_become_which_facts()
    {
        var instance = Instance(null, ("FieldMapping", "workEmail=Email, lastName=LastName"));

        var amara = (await AcceptedAsync(OutboundMessage(Sample("outbound-message-contact.xml")), instance))[0];

        // The opt-out checkboxes are consent whatever the mapping says.
        Assert.Equal(Facts(("workEmail", "amara.okafor@example.com"), ("lastName", "Okafor"), ("name", "Amara Okafor"),
            ("consent.phone", "granted"), ("consent.email.marketing", "granted")), amara.ProfileFacts);
    }

    [Fact]
    public async Task A_notification_without_FirstName_leaves_the_name_alone()
    {
        // The admin did not select FirstName in the Outbound Message: the element is missing, not empty.
        var xml = Sample("outbound-message-contact.xml").Replace("<sf:FirstName>Amara</sf:FirstName>", "", StringComparison.Ordinal);

        var amara = (await AcceptedAsync(OutboundMessage(xml)))[0];

        Assert.False(amara.ProfileFacts.ContainsKey("name"), amara.ProfileFacts.GetValueOrDefault("name"));
        Assert.False(amara.ProfileFacts.ContainsKey("firstName"));
        Assert.Equal("Okafor", amara.ProfileFacts["lastName"]);
        Assert.Equal("Daniel Brandt", (await AcceptedAsync(OutboundMessage(xml)))[1].ProfileFacts["name"]);
    }

    [Fact]
    public async Task A_notification_whose_FirstName_is_nil_names_the_contact_by_the_last_name()
    {
        var xml = Sample("outbound-message-contact.xml").Replace("<sf:FirstName>Amara</sf:FirstName>", """<sf:FirstName xsi:nil="true"/>""", StringComparison.Ordinal);

        var amara = (await AcceptedAsync(OutboundMessage(xml)))[0];

        Assert.Equal("Okafor", amara.ProfileFacts["name"]);
    }

    [Fact]
    public async Task Contact_touchpoint_happened_at_its_last_modification_and_links_to_the_record()
    {
        var daniel = (await AcceptedAsync(OutboundMessage(Sample("outbound-message-contact.xml"))))[1];

        Assert.Equal(new DateTimeOffset(2026, 3, 10, 14, 21, 38, TimeSpan.Zero), daniel.OccurredAt);
        Assert.Equal($"{SampleInstanceUrl}/0035g00000Qk7YbAAJ", daniel.ContentReference);
        Assert.Equal("denied", daniel.ProfileFacts["consent.phone"]);
        Assert.Equal("denied", daniel.ProfileFacts["consent.email.marketing"]);
    }

    [Fact]
    public async Task A_new_case_becomes_a_crm_case_opened_touchpoint_on_the_contact_and_the_supplied_identities()
    {
        var opened = Assert.Single(await AcceptedAsync(OutboundMessage(Sample("outbound-message-case.xml"))));

        Assert.Equal("crm.case.opened", opened.Type);
        Assert.Equal("om:04l5g00000F3kUcAAJ", opened.SourceEventId);
        Assert.Equal(TouchpointDirection.Inbound, opened.Direction);
        Assert.Equal(
            [new(ContactType, Amara), CustomerIdentifier.Email("amara.okafor@example.com"), CustomerIdentifier.Phone("+1 503-555-0147")],
            opened.Identities);
        Assert.Equal("Case 00041827 opened: Invoice sent to outdated mailing address (New, Medium)", opened.Summary);
        Assert.Empty(opened.ProfileFacts);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 15, 40, 5, TimeSpan.Zero), opened.OccurredAt);
    }

    [Theory]
    [InlineData("Closed", "crm.case.closed")]
    [InlineData("Working", "crm.case.updated")]
    public async Task Case_status_decides_between_closed_and_updated(string status, string type)
    {
        var xml = Sample("outbound-message-case.xml").Replace("<sf:Status>New</sf:Status>", $"<sf:Status>{status}</sf:Status>", StringComparison.Ordinal);

        Assert.Equal(type, Assert.Single(await AcceptedAsync(OutboundMessage(xml))).Type);
    }

    [Theory]
    [InlineData("2026-03-10T15:40:05.000Z", "crm.case.opened")]
    [InlineData("2026-03-10T15:12:44.000Z", "crm.case.updated")]
    public async Task Only_the_first_sight_of_a_new_case_opens_it_a_later_edit_of_a_still_new_case_is_an_update(string createdDate, string type)
    {
        var xml = Sample("outbound-message-case.xml").Replace(
            "<sf:Description>", $"<sf:CreatedDate>{createdDate}</sf:CreatedDate><sf:Description>", StringComparison.Ordinal);

        var touchpoint = Assert.Single(await AcceptedAsync(OutboundMessage(xml)));

        Assert.Equal(type, touchpoint.Type);
        Assert.Equal(type == "crm.case.opened" ? TouchpointDirection.Inbound : TouchpointDirection.None, touchpoint.Direction);
    }

    [Fact]
    public async Task A_case_created_already_closed_is_closed_even_in_its_first_outbound_message()
    {
        var xml = Sample("outbound-message-case.xml")
            .Replace("<sf:Description>", "<sf:CreatedDate>2026-03-10T15:40:05.000Z</sf:CreatedDate><sf:Description>", StringComparison.Ordinal)
            .Replace("<sf:Status>New</sf:Status>", "<sf:IsClosed>true</sf:IsClosed><sf:Status>Closed</sf:Status>", StringComparison.Ordinal);

        Assert.Equal("crm.case.closed", Assert.Single(await AcceptedAsync(OutboundMessage(xml))).Type);
    }

    [Fact]
    public async Task A_task_on_a_contact_becomes_a_timeline_touchpoint_of_its_kind()
    {
        var xml = Notification("sf:Task", "00T5g00000Abc12", """
            <sf:CallType>Inbound</sf:CallType><sf:Status>Completed</sf:Status><sf:Subject>Call about the invoice</sf:Subject>
            <sf:TaskSubtype>Call</sf:TaskSubtype><sf:WhoId>0035g00000Qk7XaAAJ</sf:WhoId>
            """);

        var task = Assert.Single(await AcceptedAsync(OutboundMessage(xml)));

        Assert.Equal("crm.task.completed", task.Type);
        Assert.Equal(TouchpointChannels.Phone, task.Channel);
        Assert.Equal(TouchpointDirection.Inbound, task.Direction);
        Assert.Equal([new CustomerIdentifier(ContactType, Amara)], task.Identities);
        Assert.Equal("Task completed: Call about the invoice", task.Summary);
    }

    [Fact]
    public async Task A_lead_brings_its_id_company_and_the_contact_it_was_converted_to()
    {
        var xml = Notification("sf:Lead", "00Q5g00000Lm3Np", """
            <sf:Company>Northwind</sf:Company><sf:ConvertedContactId>0035g00000Qk7XaAAJ</sf:ConvertedContactId>
            <sf:Email>amara.okafor@example.com</sf:Email><sf:IsConverted>true</sf:IsConverted><sf:LastName>Okafor</sf:LastName>
            """);

        var lead = Assert.Single(await AcceptedAsync(OutboundMessage(xml)));

        Assert.Equal("crm.lead.converted", lead.Type);
        Assert.Equal(
            [new(IdentifierTypes.ExternalRecord("salesforce", "lead"), "00Q5g00000Lm3NpEAJ"), CustomerIdentifier.Email("amara.okafor@example.com"),
             new(ContactType, Amara)],
            lead.Identities);
        // FirstName was not selected: no name from the last name alone.
        Assert.Equal(Facts(("company", "Northwind"), ("email", "amara.okafor@example.com"), ("lastName", "Okafor")), lead.ProfileFacts);
    }

    [Fact]
    public async Task A_15_character_record_id_is_stored_in_its_18_character_form()
    {
        var xml = Sample("outbound-message-contact.xml").Replace("<sf:Id>0035g00000Qk7XaAAJ</sf:Id>", "<sf:Id>0035g00000Qk7Xa</sf:Id>", StringComparison.Ordinal);

        var amara = (await AcceptedAsync(OutboundMessage(xml)))[0];

        Assert.Contains(new CustomerIdentifier(ContactType, Amara), amara.Identities);
    }

    [Fact]
    public async Task The_answer_is_the_documented_acknowledgement()
    {
        var result = await HandleAsync(OutboundMessage(Sample("outbound-message-contact.xml")));

        Assert.Equal(200, result.Response.StatusCode);
        Assert.StartsWith("text/xml", result.Response.ContentType, StringComparison.Ordinal);
        Assert.True(XNode.DeepEquals(XDocument.Parse(Sample("outbound-ack.xml")), XDocument.Parse(result.Response.Body)), result.Response.Body);
    }

    [Fact]
    public async Task When_the_hub_cannot_store_it_the_answer_is_a_SOAP_fault_with_500_so_Salesforce_retries()
    {
        var result = await HandleAsync(OutboundMessage(Sample("outbound-message-contact.xml")));

        var fault = Assert.IsType<Contracts.Connectors.WebhookResponse>(result.UnavailableResponse);
        Assert.Equal(500, fault.StatusCode);
        Assert.StartsWith("text/xml", fault.ContentType, StringComparison.Ordinal);
        var expected = XDocument.Parse(Sample("soap-fault.xml"));
        var actual = XDocument.Parse(fault.Body);
        XNamespace soap = "http://schemas.xmlsoap.org/soap/envelope/";
        Assert.Equal("soapenv:Server", actual.Descendants("faultcode").Single().Value);
        Assert.Equal(expected.Root!.Name, actual.Root!.Name);
        Assert.NotNull(actual.Root.Element(soap + "Body")?.Element(soap + "Fault"));
        Assert.Contains("04l5g00000F3kTaAAJ, 04l5g00000F3kTbAAJ", actual.Descendants("faultstring").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Change_events_answer_with_the_hosts_default_when_they_cannot_be_stored()
    {
        var result = await HandleAsync(ChangeEvent(Sample("cdc-contact-update.json")));

        Assert.Null(result.UnavailableResponse);
    }

    internal static string Notification(string type, string id, string fields) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
         <soapenv:Body>
          <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
           <OrganizationId>{OrgId18}</OrganizationId>
           <ActionId>04k5g000000Zx9RAAS</ActionId>
           <SessionId xsi:nil="true"/>
           <Notification>
            <Id>04l5g00000F3kZzAAJ</Id>
            <sObject xsi:type="{type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
             <sf:Id>{id}</sf:Id>
             {fields}
            </sObject>
           </Notification>
          </notifications>
         </soapenv:Body>
        </soapenv:Envelope>
        """;
}
