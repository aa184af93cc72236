using System.Net;
using System.Text.Json.Nodes;
using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;
using Microsoft.Extensions.Time.Testing;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Sync;

/// <summary>Customer changes out: one upsert by the external id field per change, with the mapped fields.</summary>
public sealed class ContactUpsertTests : IDisposable
{
    private const string CustomerId = "5b0c2f4e-8d1a-4c3b-9e7f-1a2b3c4d5e6f";
    private readonly FakeSalesforce _salesforce = new FakeSalesforce().GrantsTokens();
    private readonly ISyncTarget _target = (ISyncTarget)Connector(new FakeTimeProvider(Now));

    private ConnectorInstance SalesforceInstance(params (string Name, string? Value)[] extra) => Instance(_salesforce.Url, extra);

    private ValueTask<SyncResult> PushAsync(Contracts.Customers.CustomerUpdated? change = null, ConnectorInstance? instance = null) =>
        _target.PushAsync(change ?? Change(), instance ?? SalesforceInstance(), CancellationToken.None);

    [Fact]
    public async Task Change_is_upserted_by_the_external_id_with_the_mapped_fields()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));

        await PushAsync();

        var upsert = Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.Equal($"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{CustomerId}", upsert.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Email":"lena.fischer@example.com","FirstName":"Lena","LastName":"Fischer"}"""), upsert.Json), upsert.Body);
        Assert.Equal("Bearer 00D5g000004SdQn!first-token", upsert.Header("Authorization"));
        Assert.Equal("client=HubConnector", upsert.Header("Sforce-Call-Options"));
        Assert.StartsWith("application/json", upsert.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Created_contact_id_is_reported_as_record_id_and_identifier()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));

        var result = await PushAsync();

        Assert.True(result.Delivered);
        Assert.Equal("0035g00000Rz2LmAAJ", result.ExternalRecordId);
        Assert.Equal(new CustomerIdentifier("salesforce:contact", "0035g00000Rz2LmAAJ"), result.ExternalIdentifier);
        Assert.Contains("created", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Updated_contact_answers_200_with_its_id()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 200, Sample("upsert-updated-200.json"));

        var result = await PushAsync();

        Assert.Equal("0035g00000Qk7XaAAJ", result.ExternalRecordId);
        Assert.Contains("updated", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_that_came_from_Salesforce_is_updated_by_its_contact_id_and_stamped_with_the_customer_id()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 204);
        var change = Change(identifiers: [new("salesforce:contact", Amara), CustomerIdentifier.Email("amara.okafor@example.com")],
            fields: [("email", "amara.okafor@example.com"), ("mobilePhone", "+1 503-555-0147")]);

        var result = await PushAsync(change);

        var update = Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.Equal($"{FakeSalesforce.ContactsPath}/{Amara}", update.Path);
        Assert.Equal(CustomerId, update.Json["Hub_Customer_Id__c"]!.GetValue<string>());
        Assert.Equal("+1 503-555-0147", update.Json["MobilePhone"]!.GetValue<string>());
        Assert.Equal(Amara, result.ExternalRecordId);
    }

    [Fact]
    public async Task A_Contact_the_upsert_created_is_reported_as_created_and_one_it_found_is_not()
    {
        _salesforce.Answers("PATCH", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{CustomerId}", 201, Sample("upsert-created-201.json"));
        var other = Guid.Parse("0c5d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f");
        _salesforce.Answers("PATCH", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{other}", 200, Sample("upsert-updated-200.json"));

        var created = await PushAsync();
        var found = await PushAsync(Change(customerId: other));

        Assert.True(created.RecordCreated);
        Assert.False(found.RecordCreated);
        Assert.Equal("0035g00000Qk7XaAAJ", found.ExternalRecordId);
    }

    [Fact]
    public async Task A_merged_customer_is_written_to_the_Contact_the_hub_created_for_it_rather_than_one_from_Salesforce_or_one_created_for_the_merged_customer()
    {
        const string Own = "0035g00000Zz1AbAAJ";
        const string ForMerged = "0035g00000Aa1AbAAJ";
        _salesforce.Answers("PATCH", $"{FakeSalesforce.ContactsPath}/*", 204);
        var change = Change(identifiers: [new("salesforce:contact", Amara), new("salesforce:contact", Own), new("salesforce:contact", ForMerged)]);
        change = change with
        {
            Customer = change.Customer with
            {
                CreatedRecords =
                [
                    new(new("salesforce:contact", Own), change.CustomerId),
                    new(new("salesforce:contact", ForMerged), Guid.Parse("0c5d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f")),
                ],
            },
        };

        var result = await PushAsync(change);

        Assert.Equal($"{FakeSalesforce.ContactsPath}/{Own}", Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath)).Path);
        Assert.Equal(Own, result.ExternalRecordId);
    }

    [Fact]
    public async Task A_Contact_deleted_in_Salesforce_is_written_again_by_the_external_id_and_its_id_is_not_tried_again()
    {
        _salesforce.Answers("PATCH", $"{FakeSalesforce.ContactsPath}/{Amara}", 404, """[{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]""");
        _salesforce.Answers("PATCH", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{CustomerId}", 201, Sample("upsert-created-201.json"));
        _salesforce.Answers("PATCH", $"{FakeSalesforce.ContactsPath}/0035g00000Rz2LmAAJ", 204);
        var identifiers = new CustomerIdentifier[] { new("salesforce:contact", Amara), CustomerIdentifier.Email("lena.fischer@example.com") };

        var result = await PushAsync(Change(identifiers: identifiers));
        await PushAsync(Change(identifiers: identifiers, version: 5, fields: [("lastName", "Fischer-Braun")]));

        Assert.True(result.Delivered, result.Detail);
        Assert.True(result.RecordCreated);
        Assert.Equal("0035g00000Rz2LmAAJ", result.ExternalRecordId);
        Assert.Single(_salesforce.Requests("PATCH", $"{FakeSalesforce.ContactsPath}/{Amara}"));
        Assert.Single(_salesforce.Requests("PATCH", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/"));
        Assert.Contains("Fischer-Braun", Assert.Single(_salesforce.Requests("PATCH", $"{FakeSalesforce.ContactsPath}/0035g00000Rz2LmAAJ")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_Salesforce_tells_a_Contact_was_deleted_its_customer_is_written_by_the_external_id_at_once()
    {
        _salesforce.Answers("PATCH", $"{FakeSalesforce.ContactsPath}/*", 201, Sample("upsert-created-201.json"));
        var deleted = JsonNode.Parse(Sample("cdc-contact-update.json"))!;
        var payload = deleted["data"]!["payload"]!.AsObject();
        payload["ChangeEventHeader"]!["changeType"] = "DELETE";
        payload["ChangeEventHeader"]!["changedFields"] = new JsonArray();
        payload.Remove("Email");
        payload.Remove("MobilePhone");
        Assert.Single(await AcceptedAsync(ChangeEvent(deleted.ToJsonString()), SalesforceInstance(), (IConnector)_target));

        await PushAsync(Change(identifiers: [new("salesforce:contact", Amara), CustomerIdentifier.Email("lena.fischer@example.com")]));

        Assert.Equal($"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{CustomerId}", Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath)).Path);
    }

    [Fact]
    public async Task Configured_external_id_field_mapping_and_API_version_are_used()
    {
        _salesforce.Answers("PATCH", "/services/data/v61.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));
        var instance = SalesforceInstance(("ExternalIdField", "Golden_Id__c"), ("ApiVersion", "61.0"), ("FieldMapping", "email=Email, lastName=LastName, tier=Tier__c"));

        await PushAsync(Change(fields: [("email", "lena.fischer@example.com"), ("lastName", "Fischer"), ("tier", "gold"), ("firstName", "Lena")]), instance);

        var upsert = Assert.Single(_salesforce.Requests("PATCH", "/services/data/v61.0/sobjects/Contact"));
        Assert.Equal($"/services/data/v61.0/sobjects/Contact/Golden_Id__c/{CustomerId}", upsert.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Email":"lena.fischer@example.com","LastName":"Fischer","Tier__c":"gold"}"""), upsert.Json), upsert.Body);
    }

    [Fact]
    public async Task A_customer_known_only_by_full_name_gets_first_and_last_name_and_consent_becomes_the_opt_out_checkboxes()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));

        await PushAsync(Change(fields: [("name", "Mary Ann van Dyke"), ("consent.phone", "denied"), ("consent.email", "revoked"), ("consent.sms", "denied")]));

        // consent.email revoked withholds marketing e-mail too; no SmsOptOutField is configured, so consent.sms is not written.
        var upsert = Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"DoNotCall":true,"HasOptedOutOfEmail":true,"Email":"lena.fischer@example.com","FirstName":"Mary Ann van","LastName":"Dyke"}"""), upsert.Json), upsert.Body);
    }

    [Fact]
    public async Task The_sms_opt_out_field_follows_an_sms_stop_and_unstated_consent_is_not_written()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));

        await PushAsync(Change(fields: [("lastName", "Dyke"), ("consent.sms", "denied"), ("consent.email.marketing", "granted")]), SalesforceInstance(("SmsOptOutField", "SMS_Opt_Out__c")));

        var upsert = Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"SMS_Opt_Out__c":true,"HasOptedOutOfEmail":false,"Email":"lena.fischer@example.com","LastName":"Dyke"}"""), upsert.Json), upsert.Body);
    }

    [Fact]
    public async Task An_sms_stop_checks_both_the_sms_opt_out_field_and_has_opted_out_of_email()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));

        // What a STOP states: no texts, and no marketing on any channel, e-mail included.
        await PushAsync(Change(fields: [("lastName", "Dyke"), ("consent.sms", "denied"), ("consent.*.marketing", "denied")]), SalesforceInstance(("SmsOptOutField", "SMS_Opt_Out__c")));

        var upsert = Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"SMS_Opt_Out__c":true,"HasOptedOutOfEmail":true,"Email":"lena.fischer@example.com","LastName":"Dyke"}"""), upsert.Json), upsert.Body);
    }

    [Fact]
    public async Task A_customer_whose_email_and_phone_are_only_identifiers_gets_them_written_when_there_is_one_of_each()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));

        await PushAsync(Change(identifiers: [CustomerIdentifier.Email("lena.fischer@example.com"), CustomerIdentifier.Phone("+15035550100")], fields: [("lastName", "Fischer")]));

        var upsert = Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Email":"lena.fischer@example.com","LastName":"Fischer","Phone":"+15035550100"}"""), upsert.Json), upsert.Body);
    }

    [Fact]
    public async Task A_customer_with_one_X_user_id_gets_it_written_to_the_field_mapped_to_twitter()
    {
        // The X connector reports the person as a twitter identifier, never a fact.
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));

        await PushAsync(Change(identifiers: [new CustomerIdentifier(IdentifierTypes.Twitter, "783214")], fields: [("lastName", "Fischer")]),
            SalesforceInstance(("FieldMapping", "lastName=LastName, twitter=Twitter_Id__c")));

        var upsert = Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"LastName":"Fischer","Twitter_Id__c":"783214"}"""), upsert.Json), upsert.Body);
    }

    [Fact]
    public async Task With_several_email_identifiers_and_no_email_field_no_email_is_guessed()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));

        await PushAsync(Change(identifiers: [CustomerIdentifier.Email("lena@example.com"), CustomerIdentifier.Email("lena.fischer@example.com")], fields: [("lastName", "Fischer")]));

        Assert.Null(Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath)).Json["Email"]);
    }

    [Fact]
    public async Task A_field_validation_error_is_a_failed_sync_with_Salesforces_message_and_field()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 400, Sample("error-field-validation.json"));

        var result = await PushAsync();

        Assert.False(result.Delivered);
        Assert.Contains("FIELD_CUSTOM_VALIDATION_EXCEPTION (MobilePhone): Mobile Phone must be in international format", result.Detail, StringComparison.Ordinal);
        Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
    }

    [Fact]
    public async Task Several_contacts_with_the_external_id_is_a_failed_sync_naming_the_value()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 300, "[]");

        var result = await PushAsync();

        Assert.False(result.Delivered);
        Assert.Contains(CustomerId, result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task Server_errors_throw_so_the_host_retries(HttpStatusCode status)
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", (int)status, "[]");

        var e = await Assert.ThrowsAsync<HttpRequestException>(async () => await PushAsync());

        Assert.Equal(status, e.StatusCode);
    }

    [Fact]
    public async Task A_locked_row_is_transient_and_throws()
    {
        _salesforce.Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 400, """[{"message":"unable to obtain exclusive access to this record","errorCode":"UNABLE_TO_LOCK_ROW"}]""");

        await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync());
    }

    [Fact]
    public async Task A_change_this_org_caused_itself_is_not_written_back()
    {
        var result = await PushAsync(Change(source: InstanceId));

        Assert.True(result.Delivered);
        Assert.Empty(_salesforce.Server.LogEntries);
    }

    [Fact]
    public async Task An_instance_without_credentials_writes_nothing()
    {
        var result = await PushAsync(instance: SalesforceInstance(("ClientId", null), ("ClientSecret", null)));

        Assert.True(result.Delivered);
        Assert.Empty(_salesforce.Server.LogEntries);
    }

    public void Dispose() => _salesforce.Dispose();
}
