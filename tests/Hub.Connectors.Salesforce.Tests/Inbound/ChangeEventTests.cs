using System.Text.Json.Nodes;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Inbound;

/// <summary>Change Data Capture events (CometD JSON) in: the header decides type and id, changedFields decides the facts.</summary>
public sealed class ChangeEventTests
{
    private static readonly string ContactType = IdentifierTypes.ExternalRecord("salesforce", "contact");

    private static string Edit(string sample, Action<JsonNode> edit)
    {
        var json = JsonNode.Parse(Sample(sample))!;
        edit(json["data"]!["payload"]!);
        return json.ToJsonString();
    }

    [Fact]
    public async Task Update_brings_only_the_changed_fields_as_facts_and_identifiers()
    {
        var update = Assert.Single(await AcceptedAsync(ChangeEvent(Sample("cdc-contact-update.json"))));

        Assert.Equal("crm.contact.updated", update.Type);
        Assert.Equal(Facts(("email", "amara.okafor@example.com"), ("mobilePhone", "+1 503-555-0147")), update.ProfileFacts);
        Assert.Equal([new(ContactType, Amara), CustomerIdentifier.Email("amara.okafor@example.com"), CustomerIdentifier.Phone("+1 503-555-0147")], update.Identities);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1773152497000), update.OccurredAt);
        Assert.Equal("cdc:0002b7c4-91e3-4f2a-a5d0-3c6e18f0b9d1:1:0035g00000Qk7XaAAJ", update.SourceEventId);
        Assert.Equal("Contact 0035g00000Qk7XaAAJ updated: Email, MobilePhone", update.Summary);
    }

    [Theory]
    [InlineData("783214", "783214")]
    [InlineData(" 783214 ", "783214")]
    [InlineData("@amara_okafor", null)]
    [InlineData("123456789012345678901", null)]
    public async Task A_field_mapped_to_twitter_holding_a_numeric_X_user_id_is_a_twitter_identifier(string value, string? identifier)
    {
        var instance = Instance(null, ("FieldMapping", "email=Email, lastName=LastName, twitter=Twitter_Id__c"));
        var json = Edit("cdc-contact-update.json", p =>
        {
            p["ChangeEventHeader"]!["changedFields"] = new JsonArray("Twitter_Id__c", "LastModifiedDate");
            p["Twitter_Id__c"] = value;
        });

        var update = Assert.Single(await AcceptedAsync(ChangeEvent(json), instance));

        Assert.Equal(identifier is null ? [] : [new CustomerIdentifier(IdentifierTypes.Twitter, identifier)],
            update.Identities.Where(i => i.Type == IdentifierTypes.Twitter));
        Assert.Equal(value, update.ProfileFacts["twitter"]);
    }

    [Fact]
    public async Task A_lead_field_mapped_to_twitter_is_a_twitter_identifier_too()
    {
        var instance = Instance(null, ("FieldMapping", "email=Email, lastName=LastName, twitter=Twitter_Id__c"));
        var json = Edit("cdc-contact-create.json", p =>
        {
            p["ChangeEventHeader"]!["entityName"] = "Lead";
            p["ChangeEventHeader"]!["recordIds"] = new JsonArray("00Q5g00000Lq3Rb");
            p["Twitter_Id__c"] = "783214";
        });

        var created = Assert.Single(await AcceptedAsync(ChangeEvent(json), instance));

        Assert.Equal("crm.lead.created", created.Type);
        Assert.Contains(new CustomerIdentifier(IdentifierTypes.Twitter, "783214"), created.Identities);
    }

    [Fact]
    public async Task Fields_the_payload_carries_but_changedFields_does_not_name_are_ignored()
    {
        var json = Edit("cdc-contact-update.json", p => p["Title"] = "Chief Operating Officer");

        var update = Assert.Single(await AcceptedAsync(ChangeEvent(json)));

        Assert.False(update.ProfileFacts.ContainsKey("title"));
    }

    [Fact]
    public async Task Create_flattens_the_name_and_address_compounds_into_facts()
    {
        var created = Assert.Single(await AcceptedAsync(ChangeEvent(Sample("cdc-contact-create.json"))));

        Assert.Equal("crm.contact.created", created.Type);
        Assert.Equal(new Dictionary<string, string>
        {
            ["firstName"] = "Lena",
            ["lastName"] = "Fischer",
            ["name"] = "Lena Fischer",
            ["email"] = "lena.fischer@example.com",
            ["phone"] = "+1 503-555-0100",
            ["mobilePhone"] = "+1 503-555-0188",
            ["title"] = "Finance Director",
            ["address.street"] = "1420 SW Example Ave",
            ["address.city"] = "Portland",
            ["address.state"] = "OR",
            ["address.postalCode"] = "97205",
            ["address.country"] = "United States",
            ["consent.phone"] = "granted",
            ["consent.email.marketing"] = "granted",
        }, created.ProfileFacts);
        Assert.Contains(new CustomerIdentifier(ContactType, "0035g00000Rz2LmAAJ"), created.Identities);
    }

    [Fact]
    public async Task Create_without_a_first_name_names_the_contact_by_the_last_name()
    {
        // A CREATE carries every field that has a value: no FirstName means the Contact has none.
        var json = Edit("cdc-contact-create.json", p => p["Name"]!.AsObject().Remove("FirstName"));

        var created = Assert.Single(await AcceptedAsync(ChangeEvent(json)));

        Assert.Equal("Fischer", created.ProfileFacts["name"]);
    }

    [Fact]
    public async Task Update_of_the_last_name_with_the_first_name_set_to_null_leaves_the_name_alone()
    {
        // A null may be an unchanged field of a Pub/Sub payload whose changedFields the relay did not decode.
        var json = Edit("cdc-contact-update.json", p =>
        {
            p["ChangeEventHeader"]!["changedFields"] = new JsonArray();
            p["Name"] = new JsonObject { ["FirstName"] = null, ["LastName"] = "Okafor-Brandt" };
        });

        var update = Assert.Single(await AcceptedAsync(ChangeEvent(json)));

        Assert.False(update.ProfileFacts.ContainsKey("name"));
        Assert.Equal("Okafor-Brandt", update.ProfileFacts["lastName"]);
    }

    [Fact]
    public async Task A_compound_component_named_in_changedFields_changes_its_fact()
    {
        var json = Edit("cdc-contact-update.json", p =>
        {
            p["ChangeEventHeader"]!["changedFields"] = new JsonArray("Name.LastName", "MailingAddress.City", "LastModifiedDate");
            p["Name"] = new JsonObject { ["LastName"] = "Okafor-Brandt" };
            p["MailingAddress"] = new JsonObject { ["City"] = "Salem" };
        });

        var update = Assert.Single(await AcceptedAsync(ChangeEvent(json)));

        // Only the last name changed: the whole name is not known from this event.
        Assert.Equal(Facts(("lastName", "Okafor-Brandt"), ("address.city", "Salem")), update.ProfileFacts);
    }

    [Fact]
    public async Task A_field_set_to_null_changes_no_fact()
    {
        var json = Edit("cdc-contact-update.json", p => p["MobilePhone"] = null);

        var update = Assert.Single(await AcceptedAsync(ChangeEvent(json)));

        Assert.Equal(Facts(("email", "amara.okafor@example.com")), update.ProfileFacts);
    }

    [Theory]
    [InlineData("DELETE", "crm.contact.deleted")]
    [InlineData("UNDELETE", "crm.contact.undeleted")]
    public async Task Delete_and_undelete_are_touchpoints_of_the_record(string changeType, string type)
    {
        var json = Edit("cdc-contact-update.json", p =>
        {
            p["ChangeEventHeader"]!["changeType"] = changeType;
            p["ChangeEventHeader"]!["changedFields"] = new JsonArray();
            p.AsObject().Remove("Email");
            p.AsObject().Remove("MobilePhone");
        });

        var touchpoint = Assert.Single(await AcceptedAsync(ChangeEvent(json)));

        Assert.Equal(type, touchpoint.Type);
        Assert.Equal([new CustomerIdentifier(ContactType, Amara)], touchpoint.Identities);
    }

    [Fact]
    public async Task A_merged_event_for_several_records_becomes_one_touchpoint_per_record()
    {
        var json = Edit("cdc-contact-update.json", p => p["ChangeEventHeader"]!["recordIds"] = new JsonArray(Amara, "0035g00000Qk7Yb", "003*"));

        var touchpoints = await AcceptedAsync(ChangeEvent(json));

        Assert.Equal([Amara, "0035g00000Qk7YbAAJ"], touchpoints.Select(t => t.Identities[0].Value));
        Assert.Equal(2, touchpoints.Select(t => t.SourceEventId).Distinct().Count());
    }

    [Theory]
    [InlineData("GAP_UPDATE")]
    [InlineData("GAP_OVERFLOW")]
    public async Task Gap_events_carry_no_values_and_are_acknowledged_without_touchpoints(string changeType)
    {
        var json = Edit("cdc-contact-update.json", p => p["ChangeEventHeader"]!["changeType"] = changeType);

        Assert.Empty(await AcceptedAsync(ChangeEvent(json)));
    }

    [Fact]
    public async Task A_bare_payload_and_an_array_of_messages_are_read_too()
    {
        var payload = JsonNode.Parse(Sample("cdc-contact-update.json"))!["data"]!["payload"]!.ToJsonString();
        var array = $"[{Sample("cdc-contact-update.json")},{Sample("cdc-contact-create.json")}]";

        Assert.Single(await AcceptedAsync(ChangeEvent(payload)));
        Assert.Equal(["crm.contact.updated", "crm.contact.created"], (await AcceptedAsync(ChangeEvent(array))).Select(t => t.Type));
    }

    [Fact]
    public async Task A_redelivered_event_keeps_its_source_event_id()
    {
        var first = await AcceptedAsync(ChangeEvent(Sample("cdc-contact-update.json")));
        var again = await AcceptedAsync(ChangeEvent(Sample("cdc-contact-update.json")));

        Assert.Equal(first.Select(t => t.SourceEventId), again.Select(t => t.SourceEventId));
    }

    [Fact]
    public async Task A_case_closed_by_an_update_becomes_crm_case_closed()
    {
        var json = Edit("cdc-contact-update.json", p =>
        {
            p["ChangeEventHeader"]!["entityName"] = "Case";
            p["ChangeEventHeader"]!["recordIds"] = new JsonArray("5005g00000Wq4EzAAJ");
            p["ChangeEventHeader"]!["changedFields"] = new JsonArray("Status", "LastModifiedDate");
            p["Status"] = "Closed";
        });

        Assert.Equal("crm.case.closed", Assert.Single(await AcceptedAsync(ChangeEvent(json))).Type);
    }

    [Fact]
    public async Task A_case_created_already_closed_becomes_crm_case_closed_not_an_open_complaint()
    {
        var json = Edit("cdc-contact-create.json", p =>
        {
            p["ChangeEventHeader"]!["entityName"] = "Case";
            p["ChangeEventHeader"]!["recordIds"] = new JsonArray("5005g00000Wq4EzAAJ");
            p["ContactId"] = "0035g00000Qk7XaAAJ";
            p["Status"] = "Closed";
            p["IsClosed"] = true;
        });

        var closed = Assert.Single(await AcceptedAsync(ChangeEvent(json)));

        Assert.Equal("crm.case.closed", closed.Type);
        Assert.Equal(TouchpointDirection.None, closed.Direction);
    }

    [Fact]
    public async Task A_case_created_open_becomes_crm_case_opened()
    {
        var json = Edit("cdc-contact-create.json", p =>
        {
            p["ChangeEventHeader"]!["entityName"] = "Case";
            p["ChangeEventHeader"]!["recordIds"] = new JsonArray("5005g00000Wq4EzAAJ");
            p["ContactId"] = "0035g00000Qk7XaAAJ";
            p["Status"] = "Working";
            p["IsClosed"] = false;
        });

        Assert.Equal("crm.case.opened", Assert.Single(await AcceptedAsync(ChangeEvent(json))).Type);
    }
}
