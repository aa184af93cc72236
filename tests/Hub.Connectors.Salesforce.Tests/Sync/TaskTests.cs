using System.Text.Json.Nodes;
using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Microsoft.Extensions.Time.Testing;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Sync;

/// <summary>Touchpoints from other channels become Tasks on the customer's Contact.</summary>
public sealed class TaskTests : IDisposable
{
    private const string TaskPath = "/services/data/v66.0/sobjects/Task";
    private readonly FakeSalesforce _salesforce = new FakeSalesforce().GrantsTokens();
    private readonly ITouchpointSyncTarget _target = (ITouchpointSyncTarget)Connector(new FakeTimeProvider(Now));

    private static TouchpointReceived Call(string channel = TouchpointChannels.Phone, string instance = "twilio-main") => new()
    {
        TouchpointId = TouchpointIds.From(instance, "CA42"),
        ConnectorInstanceId = instance,
        SourceEventId = "CA42",
        Channel = channel,
        Type = "call.completed",
        OccurredAt = new DateTimeOffset(2026, 3, 10, 14, 5, 0, TimeSpan.Zero),
        ReceivedAt = Now,
        Direction = TouchpointDirection.Inbound,
        Identities = [CustomerIdentifier.Phone("+15035550147")],
        Summary = "Customer confirmed new mobile number and email",
    };

    private static CustomerTouchpoint OnAmara(TouchpointReceived touchpoint, string? externalRecordId = null, bool withContactId = true) => new()
    {
        Touchpoint = touchpoint,
        Customer = Change(identifiers: withContactId
            ? [new("salesforce:contact", Amara), CustomerIdentifier.Phone("+15035550147")]
            : [CustomerIdentifier.Phone("+15035550147")],
            fields: [("lastName", "Okafor"), ("mobilePhone", "+1 503-555-0147")]).Customer,
        ExternalRecordId = externalRecordId,
    };

    private ValueTask<SyncResult> PushAsync(CustomerTouchpoint item, params (string, string?)[] extra) =>
        _target.PushTouchpointAsync(item, Instance(_salesforce.Url, extra), CancellationToken.None);

    [Fact]
    public async Task A_call_from_another_channel_becomes_a_completed_call_Task_on_the_contact()
    {
        _salesforce.Answers("POST", TaskPath, 201, """{"id":"00T5g00000Tk1AaAAJ","success":true,"errors":[]}""");

        var result = await PushAsync(OnAmara(Call()));

        var task = Assert.Single(_salesforce.Requests("POST", TaskPath)).Json;
        Assert.Equal(Amara, task["WhoId"]!.GetValue<string>());
        Assert.Equal("Call: Customer confirmed new mobile number and email", task["Subject"]!.GetValue<string>());
        Assert.Equal("Completed", task["Status"]!.GetValue<string>());
        Assert.Equal("Normal", task["Priority"]!.GetValue<string>());
        Assert.Equal("2026-03-10", task["ActivityDate"]!.GetValue<string>());
        Assert.Equal("Call", task["TaskSubtype"]!.GetValue<string>());
        Assert.Equal("Inbound", task["CallType"]!.GetValue<string>());
        Assert.Contains("via twilio-main", task["Description"]!.GetValue<string>(), StringComparison.Ordinal);
        var sample = JsonNode.Parse(Sample("task-create-request.json"))!.AsObject();
        Assert.All(task.AsObject(), field => Assert.True(sample.ContainsKey(field.Key), $"{field.Key} is not a field of the documented Task body"));
        Assert.True(result.Delivered);
        Assert.Equal(Amara, result.ExternalRecordId);
    }

    [Fact]
    public async Task The_contact_id_the_host_recorded_is_used_when_the_customer_has_no_contact_identifier()
    {
        _salesforce.Answers("POST", TaskPath, 201, """{"id":"00T5g00000Tk1AaAAJ","success":true,"errors":[]}""");

        await PushAsync(OnAmara(Call(), externalRecordId: "0035g00000Rz2Lm", withContactId: false));

        Assert.Equal("0035g00000Rz2LmAAJ", _salesforce.Requests("POST", TaskPath).Single().Json["WhoId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_customer_without_a_contact_gets_one_created_first()
    {
        _salesforce.Answers("POST", FakeSalesforce.ContactsPath, 201, """{"id":"0035g00000Rz2LmAAJ","success":true,"errors":[]}""")
            .Answers("POST", TaskPath, 201, """{"id":"00T5g00000Tk1AaAAJ","success":true,"errors":[]}""");
        var item = OnAmara(Call(), withContactId: false);

        var result = await PushAsync(item);

        var created = Assert.Single(_salesforce.Requests("POST", FakeSalesforce.ContactsPath));
        Assert.Equal(FakeSalesforce.ContactsPath, created.Path);
        Assert.Equal(item.Customer.Id.ToString(), created.Json["Hub_Customer_Id__c"]!.GetValue<string>());
        Assert.Equal("Okafor", created.Json["LastName"]!.GetValue<string>());
        Assert.Empty(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.Equal("0035g00000Rz2LmAAJ", _salesforce.Requests("POST", TaskPath).Single().Json["WhoId"]!.GetValue<string>());
        Assert.Equal("0035g00000Rz2LmAAJ", result.ExternalRecordId);
    }

    [Fact]
    public async Task A_contact_created_for_a_Task_is_reported_as_created_by_the_hub()
    {
        // Reported as created, the host links the Contact as the hub's own, which does not keep its customer from a merge.
        _salesforce.Answers("POST", FakeSalesforce.ContactsPath, 201, """{"id":"0035g00000Rz2LmAAJ","success":true,"errors":[]}""")
            .Answers("POST", TaskPath, 201, """{"id":"00T5g00000Tk1AaAAJ","success":true,"errors":[]}""");

        var created = await PushAsync(OnAmara(Call(), withContactId: false));
        var onKnownContact = await PushAsync(OnAmara(Call(instance: "twilio-other")));

        Assert.True(created.RecordCreated);
        Assert.Equal(new CustomerIdentifier("salesforce:contact", "0035g00000Rz2LmAAJ"), created.ExternalIdentifier);
        Assert.False(onKnownContact.RecordCreated);
    }

    [Fact]
    public async Task A_contact_found_by_external_id_for_a_Task_is_not_reported_as_created()
    {
        var item = OnAmara(Call(), withContactId: false);
        _salesforce.Answers("POST", FakeSalesforce.ContactsPath, 400,
                """[{"message":"duplicate value found: Hub_Customer_Id__c duplicates value on record with id: 0035g00000Rz2Lm","errorCode":"DUPLICATE_VALUE","fields":[]}]""")
            .Answers("GET", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{item.Customer.Id}", 200,
                """{"attributes":{"type":"Contact","url":"/services/data/v66.0/sobjects/Contact/0035g00000Rz2LmAAJ"},"Id":"0035g00000Rz2LmAAJ"}""")
            .Answers("POST", TaskPath, 201, """{"id":"00T5g00000Tk1AaAAJ","success":true,"errors":[]}""");

        var result = await PushAsync(item);

        Assert.True(result.Delivered);
        Assert.False(result.RecordCreated);
    }

    [Fact]
    public async Task A_contact_created_meanwhile_is_found_by_the_external_id_and_not_written_with_the_older_snapshot()
    {
        // The org's change queue (or a Salesforce user) created the Contact between the hub's reading and this push:
        // the touchpoint's snapshot may be older than what that write put there, so it must not overwrite it.
        var item = OnAmara(Call(), withContactId: false);
        _salesforce.Answers("POST", FakeSalesforce.ContactsPath, 400,
                """[{"message":"duplicate value found: Hub_Customer_Id__c duplicates value on record with id: 0035g00000Rz2Lm","errorCode":"DUPLICATE_VALUE","fields":[]}]""")
            .Answers("GET", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{item.Customer.Id}", 200,
                """{"attributes":{"type":"Contact","url":"/services/data/v66.0/sobjects/Contact/0035g00000Rz2LmAAJ"},"Id":"0035g00000Rz2LmAAJ"}""")
            .Answers("POST", TaskPath, 201, """{"id":"00T5g00000Tk1AaAAJ","success":true,"errors":[]}""");

        var result = await PushAsync(item);

        Assert.True(result.Delivered);
        Assert.Equal("0035g00000Rz2LmAAJ", result.ExternalRecordId);
        Assert.Single(_salesforce.Requests("GET", FakeSalesforce.ContactsPath));
        Assert.Empty(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.Equal("0035g00000Rz2LmAAJ", _salesforce.Requests("POST", TaskPath).Single().Json["WhoId"]!.GetValue<string>());
    }

    [Fact]
    public async Task After_a_contact_was_found_rather_than_written_the_next_change_is_written_even_with_the_same_values()
    {
        // The Contact found holds whatever the change queue wrote there, not the touchpoint's snapshot: a change whose
        // values equal that snapshot is not "what the Contact already has" and must go out.
        var item = OnAmara(Call(), withContactId: false);
        _salesforce.Answers("POST", FakeSalesforce.ContactsPath, 400,
                """[{"message":"duplicate value found: Hub_Customer_Id__c duplicates value on record with id: 0035g00000Rz2Lm","errorCode":"DUPLICATE_VALUE","fields":[]}]""")
            .Answers("GET", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{item.Customer.Id}", 200,
                """{"attributes":{"type":"Contact","url":"/services/data/v66.0/sobjects/Contact/0035g00000Rz2LmAAJ"},"Id":"0035g00000Rz2LmAAJ"}""")
            .Answers("POST", TaskPath, 201, """{"id":"00T5g00000Tk1AaAAJ","success":true,"errors":[]}""")
            .Answers("PATCH", $"{FakeSalesforce.ContactsPath}/*", 204);
        await PushAsync(item);

        var change = Change(identifiers: item.Customer.Identifiers, fields: [("lastName", "Okafor"), ("mobilePhone", "+1 503-555-0147")]);
        var result = await ((ISyncTarget)_target).PushAsync(change, Instance(_salesforce.Url), CancellationToken.None);

        Assert.True(result.Delivered, result.Detail);
        Assert.Equal($"{FakeSalesforce.ContactsPath}/0035g00000Rz2LmAAJ", Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath)).Path);
    }

    [Fact]
    public async Task A_duplicate_of_another_unique_field_is_refused_with_salesforces_message_and_writes_no_Task()
    {
        var item = OnAmara(Call(), withContactId: false);
        _salesforce.Answers("POST", FakeSalesforce.ContactsPath, 400,
                """[{"message":"duplicate value found: Employee_Number__c duplicates value on record with id: 0035g00000Qq1Aa","errorCode":"DUPLICATE_VALUE","fields":[]}]""")
            .Answers("GET", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/*", 404,
                """[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""");

        var result = await PushAsync(item);

        Assert.False(result.Delivered);
        Assert.Contains("DUPLICATE_VALUE: duplicate value found: Employee_Number__c", result.Detail, StringComparison.Ordinal);
        Assert.Empty(_salesforce.Requests("POST", TaskPath));
    }

    [Fact]
    public async Task A_redelivered_touchpoint_does_not_create_a_second_Task()
    {
        _salesforce.Answers("POST", TaskPath, 201, """{"id":"00T5g00000Tk1AaAAJ","success":true,"errors":[]}""");

        await PushAsync(OnAmara(Call()));
        var again = await PushAsync(OnAmara(Call()));

        Assert.True(again.Delivered);
        Assert.Single(_salesforce.Requests("POST", TaskPath));
    }

    [Fact]
    public async Task With_a_Task_external_id_field_the_Task_is_upserted_by_touchpoint_id()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Task/*", 201, """{"id":"00T5g00000Tk1AaAAJ","success":true,"errors":[],"created":true}""");

        await PushAsync(OnAmara(Call()), ("TaskExternalIdField", "Hub_Touchpoint_Id__c"));

        var upsert = Assert.Single(_salesforce.Requests("PATCH", TaskPath));
        Assert.Equal($"{TaskPath}/Hub_Touchpoint_Id__c/{Call().TouchpointId}", upsert.Path);
        Assert.Null(upsert.Json["TaskSubtype"]);
    }

    [Fact]
    public async Task Touchpoints_that_came_from_this_org_or_from_channels_not_configured_write_nothing()
    {
        var own = await PushAsync(OnAmara(Call(TouchpointChannels.Crm, InstanceId)));
        var web = await PushAsync(OnAmara(Call(TouchpointChannels.Web)));
        var off = await PushAsync(OnAmara(Call()), ("TaskChannels", "none"));

        Assert.All(new[] { own, web, off }, r => Assert.True(r.Delivered));
        Assert.Empty(_salesforce.Server.LogEntries);
    }

    [Fact]
    public async Task A_refused_Task_is_a_failed_sync_with_Salesforces_message()
    {
        _salesforce.Answers("POST", TaskPath, 400, """[{"message":"Assigned To ID: owner cannot be inactive","errorCode":"INACTIVE_OWNER_OR_USER","fields":["OwnerId"]}]""");

        var result = await PushAsync(OnAmara(Call()));

        Assert.False(result.Delivered);
        Assert.Contains("INACTIVE_OWNER_OR_USER (OwnerId): Assigned To ID: owner cannot be inactive", result.Detail, StringComparison.Ordinal);
    }

    public void Dispose() => _salesforce.Dispose();
}
