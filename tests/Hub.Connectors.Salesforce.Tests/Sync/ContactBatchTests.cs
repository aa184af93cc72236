using System.Text.Json.Nodes;
using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;
using Microsoft.Extensions.Time.Testing;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Sync;

/// <summary>Many queued changes through sObject Collections: one call per 200 records, one result per change.</summary>
public sealed class ContactBatchTests : IDisposable
{
    private const string UpsertPath = "/services/data/v66.0/composite/sobjects/Contact/Hub_Customer_Id__c";
    private readonly FakeSalesforce _salesforce = new FakeSalesforce().GrantsTokens();
    private readonly IBatchSyncTarget _target = (IBatchSyncTarget)Connector(new FakeTimeProvider(Now));

    private static Contracts.Customers.CustomerUpdated Customer(int n, params (string, string)[] fields) =>
        Change(customerId: new Guid(n, 0, 0, new byte[8]), fields: fields);

    private static readonly Contracts.Customers.CustomerUpdated[] ThreeChanges =
    [
        Customer(184, ("firstName", "Amara"), ("lastName", "Okafor"), ("email", "amara.okafor@example.com"), ("mobilePhone", "+1 503-555-0147")),
        Customer(232, ("firstName", "Tomas"), ("lastName", "Lindqvist"), ("email", "tomas.lindqvist@example.org"), ("phone", "+1 503-555-0100")),
        Customer(233, ("firstName", "Priya"), ("lastName", "Raman"), ("mobilePhone", "503 555 0191")),
    ];

    [Fact]
    public async Task Three_changes_are_one_collections_upsert_in_the_documented_shape()
    {
        _salesforce.Answers("PATCH", UpsertPath, 200, Sample("collections-upsert-response.json"));

        await _target.PushBatchAsync(ThreeChanges, Instance(_salesforce.Url), CancellationToken.None);

        var call = Assert.Single(_salesforce.Requests("PATCH", "/services/data"));
        Assert.Equal(UpsertPath, call.Path);
        var sample = JsonNode.Parse(Sample("collections-upsert-request.json"))!;
        Assert.Equal(sample["allOrNone"]!.GetValue<bool>(), call.Json["allOrNone"]!.GetValue<bool>());
        var records = call.Json["records"]!.AsArray();
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal("Contact", r!["attributes"]!["type"]!.GetValue<string>()));
        Assert.Equal(ThreeChanges.Select(c => c.CustomerId.ToString()), records.Select(r => r!["Hub_Customer_Id__c"]!.GetValue<string>()));
        Assert.Equal("+1 503-555-0147", records[0]!["MobilePhone"]!.GetValue<string>());
        Assert.Equal("Lindqvist", records[1]!["LastName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_change_gets_its_own_result_in_order()
    {
        _salesforce.Answers("PATCH", UpsertPath, 200, Sample("collections-upsert-response.json"));

        var results = await _target.PushBatchAsync(ThreeChanges, Instance(_salesforce.Url), CancellationToken.None);

        Assert.Equal([true, true, false], results.Select(r => r.Delivered));
        Assert.Equal(["0035g00000Qk7XaAAJ", "0035g00000Rz2MnAAJ", null], results.Select(r => r.ExternalRecordId));
        Assert.Contains("updated", results[0].Detail, StringComparison.Ordinal);
        Assert.Contains("created", results[1].Detail, StringComparison.Ordinal);
        Assert.Contains("FIELD_CUSTOM_VALIDATION_EXCEPTION (MobilePhone): Mobile Phone must be in international format", results[2].Detail, StringComparison.Ordinal);
        Assert.Equal(new CustomerIdentifier("salesforce:contact", "0035g00000Rz2MnAAJ"), results[1].ExternalIdentifier);
    }

    [Fact]
    public async Task Contacts_with_a_known_id_are_updated_by_id_in_their_own_collection()
    {
        _salesforce.Answers("PATCH", UpsertPath, 200, """[{"id":"0035g00000Rz2MnAAJ","success":true,"errors":[],"created":true}]""")
            .Answers("PATCH", "/services/data/v66.0/composite/sobjects", 200, $$"""[{"id":"{{Amara}}","success":true,"errors":[]}]""");
        var known = Change(customerId: new Guid(184, 0, 0, new byte[8]), identifiers: [new("salesforce:contact", Amara)], fields: [("email", "amara.okafor@example.com")]);

        var results = await _target.PushBatchAsync([known, ThreeChanges[1]], Instance(_salesforce.Url), CancellationToken.None);

        var byId = Assert.Single(_salesforce.Requests("PATCH", "/services/data/v66.0/composite/sobjects"), r => r.Path == "/services/data/v66.0/composite/sobjects");
        Assert.Equal(Amara, byId.Json["records"]![0]!["id"]!.GetValue<string>());
        Assert.Equal([Amara, "0035g00000Rz2MnAAJ"], results.Select(r => r.ExternalRecordId));
    }

    [Fact]
    public async Task More_than_200_changes_take_one_call_per_200()
    {
        var changes = Enumerable.Range(1, 401).Select(i => Customer(i, ("lastName", $"L{i}"))).ToList();
        var ok = new JsonArray([.. Enumerable.Range(0, 200).Select(_ => (JsonNode)JsonNode.Parse("""{"id":"0035g00000Rz2MnAAJ","success":true,"errors":[],"created":true}""")!)]);
        _salesforce.Answers("PATCH", UpsertPath, 200, ok.ToJsonString());

        var results = await _target.PushBatchAsync(changes, Instance(_salesforce.Url), CancellationToken.None);

        Assert.Equal([200, 200, 1], _salesforce.Requests("PATCH", UpsertPath).Select(r => r.Json["records"]!.AsArray().Count));
        Assert.Equal(400, results.Count(r => r.Delivered));
    }

    [Fact]
    public async Task A_transient_error_on_one_record_throws_and_the_retry_writes_only_what_is_missing()
    {
        var withLock = JsonNode.Parse(Sample("collections-upsert-response.json"))!.AsArray();
        withLock[2] = JsonNode.Parse("""{"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access","fields":[]}]}""");
        _salesforce.Answers("PATCH", UpsertPath, 200, withLock.ToJsonString());

        await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await _target.PushBatchAsync(ThreeChanges, Instance(_salesforce.Url), CancellationToken.None));
        _salesforce.Answers("PATCH", UpsertPath, 201, Sample("upsert-created-201.json"))
            .Answers("PATCH", "/services/data/v66.0/sobjects/Contact/*", 201, Sample("upsert-created-201.json"));
        var retried = await _target.PushBatchAsync(ThreeChanges, Instance(_salesforce.Url), CancellationToken.None);

        Assert.Equal([true, true, true], retried.Select(r => r.Delivered));
        var last = _salesforce.Requests("PATCH", "/services/data").Last();
        Assert.Equal($"{FakeSalesforce.ContactsPath}/Hub_Customer_Id__c/{ThreeChanges[2].CustomerId}", last.Path);
    }

    [Fact]
    public async Task Changes_this_org_caused_are_not_written_and_still_get_their_result()
    {
        var results = await _target.PushBatchAsync([Change(source: InstanceId), Change(source: InstanceId)], Instance(_salesforce.Url), CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Delivered));
        Assert.Empty(_salesforce.Server.LogEntries);
    }

    public void Dispose() => _salesforce.Dispose();
}
