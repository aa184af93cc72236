using System.Text.Json.Nodes;
using Hub.Contracts.Connectors;
using Hub.Contracts.Erasure;
using Hub.Contracts.Identity;
using Microsoft.Extensions.Time.Testing;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Sync;

/// <summary>An erased customer's Contact: deleted, or anonymized when the instance says so; gone already is done.</summary>
public sealed class ContactErasureTests : IDisposable
{
    private const string ContactId = "0035g00000Qk7YbAAJ";
    private readonly FakeSalesforce _salesforce = new FakeSalesforce().GrantsTokens();
    private readonly IErasureTarget _target = (IErasureTarget)Connector(new FakeTimeProvider(Now));

    private static CustomerErasure Erasure(string? recordId = ContactId, params CustomerIdentifier[] identifiers) => new()
    {
        ErasureRequestId = Guid.Parse("0193a0a0-0000-7000-8000-000000000001"),
        CustomerId = Guid.Parse("5b0c2f4e-8d1a-4c3b-9e7f-1a2b3c4d5e6f"),
        ExternalRecordId = recordId,
        ExternalIdentifiers = identifiers,
        RequestedAt = Now,
    };

    [Fact]
    public async Task The_contact_is_deleted_by_default()
    {
        _salesforce.Answers("DELETE", $"{FakeSalesforce.ContactsPath}/*", 204);

        var result = await _target.EraseAsync(Erasure(), Instance(_salesforce.Url), CancellationToken.None);

        Assert.True(result.Done, result.Detail);
        Assert.Equal($"{FakeSalesforce.ContactsPath}/{ContactId}", Assert.Single(_salesforce.Requests("DELETE", FakeSalesforce.ContactsPath)).Path);
    }

    [Fact]
    public async Task With_anonymize_the_contact_stays_with_every_mapped_field_cleared_and_the_record_id_comes_from_the_identifier()
    {
        _salesforce.Answers("PATCH", $"{FakeSalesforce.ContactsPath}/*", 204);
        var instance = Instance(_salesforce.Url, ("ErasureMode", "anonymize"), ("FieldMapping", "email=Email, lastName=LastName, mobilePhone=MobilePhone"));

        var result = await _target.EraseAsync(Erasure(null, new CustomerIdentifier("salesforce:contact", ContactId)), instance, CancellationToken.None);

        Assert.True(result.Done, result.Detail);
        var patch = Assert.Single(_salesforce.Requests("PATCH", FakeSalesforce.ContactsPath));
        Assert.Equal($"{FakeSalesforce.ContactsPath}/{ContactId}", patch.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Email":null,"LastName":"Erased","MobilePhone":null}"""), patch.Json), patch.Body);
        Assert.Empty(_salesforce.Requests("DELETE", FakeSalesforce.ContactsPath));
    }

    [Fact]
    public async Task A_contact_that_is_gone_already_counts_as_erased_and_a_refusal_is_reported_with_salesforces_reason()
    {
        _salesforce.Answers("DELETE", $"{FakeSalesforce.ContactsPath}/{ContactId}", 404, """[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""");
        _salesforce.Answers("DELETE", $"{FakeSalesforce.ContactsPath}/0035g00000Qk7YcAAJ", 403, """[{"errorCode":"INSUFFICIENT_ACCESS_OR_READONLY","message":"insufficient access rights on object id"}]""");

        var gone = await _target.EraseAsync(Erasure(), Instance(_salesforce.Url), CancellationToken.None);
        var refused = await _target.EraseAsync(Erasure("0035g00000Qk7YcAAJ"), Instance(_salesforce.Url), CancellationToken.None);

        Assert.True(gone.Done, gone.Detail);
        Assert.False(refused.Done);
        Assert.Contains("INSUFFICIENT_ACCESS_OR_READONLY", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_without_a_contact_needs_nothing_erased()
    {
        _salesforce.Answers("GET", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{Erasure().CustomerId}", 404,
            """[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""");

        var result = await _target.EraseAsync(Erasure(null), Instance(_salesforce.Url), CancellationToken.None);

        Assert.True(result.Done, result.Detail);
        Assert.Single(_salesforce.Requests("GET", FakeSalesforce.ContactsPath));
        Assert.Empty(_salesforce.Requests("DELETE", "/services"));
    }

    [Fact]
    public async Task A_contact_whose_id_the_hub_never_recorded_is_found_by_the_external_id_and_deleted()
    {
        // Created for a Task just before the erasure froze the customer: its id was not recorded yet.
        _salesforce.Answers("GET", $"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{Erasure().CustomerId}", 200,
                $$"""{"attributes":{"type":"Contact","url":"/services/data/v66.0/sobjects/Contact/{{ContactId}}"},"Id":"{{ContactId}}"}""")
            .Answers("DELETE", $"{FakeSalesforce.ContactsPath}/*", 204);

        var result = await _target.EraseAsync(Erasure(null), Instance(_salesforce.Url), CancellationToken.None);

        Assert.True(result.Done, result.Detail);
        Assert.Equal($"{FakeSalesforce.ContactsPath}/{ContactId}", Assert.Single(_salesforce.Requests("DELETE", FakeSalesforce.ContactsPath)).Path);
    }

    [Fact]
    public async Task An_org_connected_inbound_only_takes_no_changes_but_is_asked_to_erase_and_says_what_to_do_by_hand()
    {
        var inboundOnly = Instance(_salesforce.Url, ("ClientId", null), ("ClientSecret", null));

        Assert.False(((ISyncTarget)_target).TakesChanges(inboundOnly));
        Assert.True(_target.TakesErasures(inboundOnly));
        var result = await _target.EraseAsync(Erasure(), inboundOnly, CancellationToken.None);
        Assert.False(result.Done);
        Assert.Contains("delete the Contact in Salesforce", result.Detail, StringComparison.Ordinal);
        Assert.True(((ISyncTarget)_target).TakesChanges(Instance(_salesforce.Url)));
    }

    public void Dispose() => _salesforce.Dispose();
}
