using System.Text.Json.Nodes;
using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;
using Microsoft.Extensions.Time.Testing;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Sync;

/// <summary>
/// A write of the hub followed by its echo (a change event, an Outbound Message) leads to no second write:
/// the echo becomes no touchpoint, and a change that would write the same fields again sends nothing.
/// </summary>
public sealed class LoopPreventionTests : IDisposable
{
    private readonly FakeSalesforce _salesforce = new FakeSalesforce().GrantsTokens();
    private readonly Contracts.Connectors.IConnector _connector = Connector(new FakeTimeProvider(Now));

    public LoopPreventionTests() =>
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 200, Sample("upsert-updated-200.json"));

    private ConnectorInstance SalesforceInstance(params (string, string?)[] extra) => Instance(_salesforce.Url, extra);

    private static Contracts.Customers.CustomerUpdated AmaraChanged(long version, string source = "twilio-main") =>
        Change(version: version, source: source, identifiers: [new("salesforce:contact", Amara), CustomerIdentifier.Email("amara.okafor@example.com")],
            fields: [("email", "amara.okafor@example.com"), ("mobilePhone", "+1 503-555-0147")]);

    private async Task<SyncResult> PushAsync(Contracts.Customers.CustomerUpdated change, ConnectorInstance? instance = null) =>
        await ((ISyncTarget)_connector).PushAsync(change, instance ?? SalesforceInstance(), CancellationToken.None);

    private static string EchoEvent(string origin, string commitUser = ServiceRep)
    {
        var json = JsonNode.Parse(Sample("cdc-contact-update.json"))!;
        json["data"]!["payload"]!["ChangeEventHeader"]!["changeOrigin"] = origin;
        json["data"]!["payload"]!["ChangeEventHeader"]!["commitUser"] = commitUser;
        return json.ToJsonString();
    }

    private int Writes => _salesforce.Requests("PATCH", FakeSalesforce.ContactsPath).Count;

    [Fact]
    public async Task A_write_followed_by_its_change_event_echo_leads_to_no_second_write()
    {
        await PushAsync(AmaraChanged(version: 4));

        var echo = await AcceptedAsync(ChangeEvent(EchoEvent("com/salesforce/api/rest/66.0;client=HubConnector")), SalesforceInstance(), _connector);
        // Even if an echo made a new version that reached the connector, the same fields are not written again.
        var again = await PushAsync(AmaraChanged(version: 5));

        Assert.Empty(echo);
        Assert.True(again.Delivered);
        Assert.Equal(Amara, again.ExternalRecordId);
        Assert.Equal(1, Writes);
    }

    [Fact]
    public async Task A_write_followed_by_its_outbound_message_echo_from_the_integration_user_leads_to_no_second_write()
    {
        await PushAsync(AmaraChanged(version: 4));
        var xml = Sample("outbound-message-contact.xml");
        var amarasEditor = xml.IndexOf(ServiceRep, StringComparison.Ordinal);
        xml = string.Concat(xml.AsSpan(0, amarasEditor), IntegrationUser, xml.AsSpan(amarasEditor + ServiceRep.Length));

        var touchpoints = await AcceptedAsync(OutboundMessage(xml), SalesforceInstance(), _connector);

        // The integration user is learned from the token's identity URL; Daniel's change by the service rep still counts.
        Assert.Equal(["om:04l5g00000F3kTbAAJ"], touchpoints.Select(t => t.SourceEventId));
        Assert.Equal(1, Writes);
    }

    [Theory]
    [InlineData("com/salesforce/api/rest/66.0;client=HubConnector/")]
    [InlineData("com/salesforce/api/bulkapi/66.0;client=HubConnector")]
    public async Task Change_events_from_the_hubs_call_options_client_are_echoes(string origin)
    {
        Assert.Empty(await AcceptedAsync(ChangeEvent(EchoEvent(origin)), SalesforceInstance(), _connector));
    }

    [Theory]
    [InlineData("com/salesforce/api/soap/66.0;client=SfdcInternalAPI/")]
    [InlineData("com/salesforce/api/rest/66.0;client=HubConnectorTwo")]
    [InlineData("")]
    public async Task Change_events_from_anyone_else_are_changes(string origin)
    {
        Assert.Single(await AcceptedAsync(ChangeEvent(EchoEvent(origin)), SalesforceInstance(), _connector));
    }

    [Fact]
    public async Task The_configured_integration_user_marks_echoes_before_any_token_was_fetched()
    {
        var instance = SalesforceInstance(("IntegrationUserId", "0055g00000DkRw2"));

        var touchpoints = await AcceptedAsync(ChangeEvent(EchoEvent("", IntegrationUser)), instance, _connector);

        Assert.Empty(touchpoints);
        Assert.Empty(_salesforce.Server.LogEntries);
    }

    [Fact]
    public async Task An_outbound_message_naming_the_integration_user_by_its_15_character_id_is_an_echo()
    {
        var xml = Sample("outbound-message-contact.xml");
        var amarasEditor = xml.IndexOf(ServiceRep, StringComparison.Ordinal);
        xml = string.Concat(xml.AsSpan(0, amarasEditor), IntegrationUser.AsSpan(0, 15), xml.AsSpan(amarasEditor + ServiceRep.Length));

        var touchpoints = await AcceptedAsync(OutboundMessage(xml), SalesforceInstance(("IntegrationUserId", IntegrationUser)), _connector);

        Assert.Equal(["om:04l5g00000F3kTbAAJ"], touchpoints.Select(t => t.SourceEventId));
    }

    [Fact]
    public async Task A_stale_echo_cannot_undo_a_newer_change()
    {
        await PushAsync(AmaraChanged(version: 4));
        var stale = EchoEvent("com/salesforce/api/rest/66.0;client=HubConnector").Replace("amara.okafor@example.com", "old.address@example.com", StringComparison.Ordinal);

        Assert.Empty(await AcceptedAsync(ChangeEvent(stale), SalesforceInstance(), _connector));
    }

    [Fact]
    public async Task A_real_change_of_the_pushed_fields_is_written_again()
    {
        await PushAsync(AmaraChanged(version: 4));

        await PushAsync(Change(version: 5, identifiers: [new("salesforce:contact", Amara)], fields: [("email", "amara@example.org"), ("mobilePhone", "+1 503-555-0147")]));

        Assert.Equal(2, Writes);
        Assert.Equal("amara@example.org", _salesforce.Requests("PATCH", FakeSalesforce.ContactsPath)[1].Json["Email"]!.GetValue<string>());
    }

    private static Contracts.Customers.CustomerUpdated AmaraTextedStop(long version, DateTimeOffset statedAt)
    {
        var change = Change(version: version, identifiers: [new("salesforce:contact", Amara)],
            fields: [("lastName", "Okafor"), ("consent.sms", "denied"), ("consent.*.marketing", "denied")]);
        return change with
        {
            Customer = change.Customer with
            {
                Fields = change.Customer.Fields.ToDictionary(f => f.Key, f => f.Value with { ObservedAt = statedAt }),
            },
        };
    }

    private static string SmsBoxUncheckedByServiceRep()
    {
        var json = JsonNode.Parse(Sample("cdc-contact-update.json"))!;
        var payload = json["data"]!["payload"]!;
        payload["ChangeEventHeader"]!["changedFields"] = new JsonArray("SMS_Opt_Out__c", "LastModifiedDate");
        payload["SMS_Opt_Out__c"] = false;
        return json.ToJsonString();
    }

    [Fact]
    public async Task After_a_salesforce_user_changed_the_contact_the_next_change_is_written_even_with_the_fields_of_the_last_write()
    {
        // QA: STOP checked the box, a Salesforce user unchecked it, the customer texted STOP again: nothing was written.
        var instance = SalesforceInstance(("SmsOptOutField", "SMS_Opt_Out__c"));
        await PushAsync(AmaraTextedStop(version: 4, Now), instance);

        var uncheck = await AcceptedAsync(ChangeEvent(SmsBoxUncheckedByServiceRep()), instance, _connector);
        // The same statements as the last write: only the Salesforce change tells that the Contact holds something else.
        var again = await PushAsync(AmaraTextedStop(version: 6, Now), instance);

        Assert.Single(uncheck);
        Assert.True(again.Delivered, again.Detail);
        Assert.Equal(2, Writes);
        Assert.True(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath)[1].Json["SMS_Opt_Out__c"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_outbound_message_from_a_salesforce_user_makes_the_next_change_of_that_contact_go_out()
    {
        await PushAsync(AmaraChanged(version: 4));

        await AcceptedAsync(OutboundMessage(Sample("outbound-message-contact.xml")), SalesforceInstance(), _connector);
        await PushAsync(AmaraChanged(version: 5));

        Assert.Equal(2, Writes);
    }

    [Fact]
    public async Task A_value_stated_anew_is_written_even_when_another_process_received_the_salesforce_change()
    {
        // The Salesforce user's uncheck reached another hub process: this one only sees a STOP stated again.
        var instance = SalesforceInstance(("SmsOptOutField", "SMS_Opt_Out__c"));
        await PushAsync(AmaraTextedStop(version: 4, Now), instance);

        var again = await PushAsync(AmaraTextedStop(version: 6, Now.AddHours(1)), instance);
        var redelivered = await PushAsync(AmaraTextedStop(version: 6, Now.AddHours(1)), instance);

        Assert.True(again.Delivered, again.Detail);
        Assert.True(redelivered.Delivered, redelivered.Detail);
        Assert.Equal(2, Writes);
    }

    [Fact]
    public async Task What_was_written_is_remembered_per_org()
    {
        using var other = new FakeSalesforce().GrantsTokens();
        other.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 200, Sample("upsert-updated-200.json"));

        await PushAsync(AmaraChanged(version: 4));
        await PushAsync(AmaraChanged(version: 4), Instance(other.Url) with { Id = "sf-other" });

        Assert.Equal(1, Writes);
        Assert.Single(other.Requests("PATCH", FakeSalesforce.ContactsPath));
    }

    public void Dispose() => _salesforce.Dispose();
}
