using System.Text.Json.Nodes;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Inbound;

/// <summary>Authentic requests whose body cannot be taken: 400 (or 415) naming the problem, and no touchpoint at all.</summary>
public sealed class BadBodyTests
{
    [Theory]
    [InlineData("<soapenv:Envelope")]
    [InlineData("<a><b></a>")]
    public async Task XML_that_is_not_well_formed_is_rejected_with_400(string body)
    {
        var rejection = await RejectedAsync(OutboundMessage(body));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("not well-formed XML", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_type_declaration_is_refused_so_no_entity_is_ever_expanded()
    {
        const string Body = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>""";

        Assert.Equal(400, (await RejectedAsync(OutboundMessage(Body))).StatusCode);
    }

    [Fact]
    public async Task XML_that_is_not_an_outbound_message_is_rejected_with_400()
    {
        var rejection = await RejectedAsync(OutboundMessage("""<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>"""));

        Assert.Contains("Outbound Message", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outbound_message_for_an_object_the_hub_does_not_read_is_rejected_whole_naming_it()
    {
        var xml = OutboundMessageTests.Notification("sf:Opportunity", "0065g00000Xy1ZzAAJ", "<sf:Name>Renewal</sf:Name>");

        var rejection = await RejectedAsync(OutboundMessage(xml));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'Opportunity'", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notification_whose_record_id_is_not_a_Salesforce_id_rejects_the_whole_message()
    {
        var xml = Sample("outbound-message-contact.xml").Replace("<sf:Id>0035g00000Qk7YbAAJ</sf:Id>", "<sf:Id>42</sf:Id>", StringComparison.Ordinal);

        var rejection = await RejectedAsync(OutboundMessage(xml));

        Assert.Contains("Notification[1]", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"data\":")]
    [InlineData("not json")]
    public async Task Invalid_JSON_is_rejected_with_400(string body)
    {
        Assert.Contains("not valid JSON", (await RejectedAsync(ChangeEvent(body))).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"data":{"payload":{"Email":"x@example.com"}}}""", "ChangeEventHeader")]
    [InlineData("""{"ChangeEventHeader":{"entityName":"Contact","changeType":"MERGE","transactionKey":"t","recordIds":["0035g00000Qk7XaAAJ"]}}""", "'MERGE'")]
    [InlineData("""{"ChangeEventHeader":{"entityName":"Contact","changeType":"UPDATE","transactionKey":"t","recordIds":["not-an-id"]}}""", "'not-an-id'")]
    [InlineData("""{"ChangeEventHeader":{"entityName":"Contact","changeType":"UPDATE","recordIds":["0035g00000Qk7XaAAJ"]}}""", "transactionKey")]
    public async Task A_change_event_without_what_the_hub_needs_is_rejected_naming_it(string body, string named)
    {
        var rejection = await RejectedAsync(ChangeEvent(body));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains(named, rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_bad_event_in_an_array_rejects_the_array_naming_its_index()
    {
        var bad = JsonNode.Parse(Sample("cdc-contact-create.json"))!;
        bad["data"]!["payload"]!["ChangeEventHeader"]!["entityName"] = "Opportunity";

        var rejection = await RejectedAsync(ChangeEvent($"[{Sample("cdc-contact-update.json")},{bad.ToJsonString()}]"));

        Assert.Contains("'Opportunity'", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Content_type_that_is_neither_XML_nor_JSON_is_rejected_with_415(string contentType)
    {
        var rejection = await RejectedAsync(Post(Sample("outbound-message-contact.xml"), contentType, "?secret=" + EndpointSecret));

        Assert.Equal(415, rejection.StatusCode);
        Assert.Contains(contentType, rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_content_type_the_body_tells_XML_from_JSON()
    {
        Assert.Equal(2, (await AcceptedAsync(Post(Sample("outbound-message-contact.xml"), null, "?secret=" + EndpointSecret))).Count);
        Assert.Single(await AcceptedAsync(Post(Sample("cdc-contact-update.json"), null, headers: new() { ["Authorization"] = $"Bearer {EndpointSecret}" })));
    }
}
