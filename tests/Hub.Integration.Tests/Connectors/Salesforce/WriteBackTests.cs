using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Connectors.Salesforce;

/// <summary>
/// Customers written back to Salesforce through a running hub: the Contact id Salesforce returns becomes the
/// customer's identifier, the write's echo causes no second write, and queued changes go out together.
/// </summary>
public sealed class WriteBackTests : IAsyncLifetime
{
    private SalesforceHub _hub = null!;

    public async Task InitializeAsync() => _hub = await StartAsync();

    [Fact]
    public async Task After_the_first_upsert_the_customer_holds_the_Contact_id_Salesforce_returned()
    {
        await _hub.SendSegmentAsync(Identify("m-priya", "priya.raman@example.com", "Priya", "Raman"));

        var (customerId, contactId) = await FirstUpsertAsync();

        await EventuallyAsync(async () => IdentifierOf(await CustomerAsync(customerId), "salesforce:contact") == contactId, "the Contact id on the customer");
        var timeline = await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/timeline", UriKind.Relative));
        var link = Assert.Single(timeline.GetProperty("items").EnumerateArray(), i => i.GetProperty("type").GetString() == "crm.record.linked");
        Assert.Equal(SalesforceInstanceId, link.GetProperty("connectorInstanceId").GetString());
        Assert.Equal($"Linked to salesforce:contact {contactId}, which the hub created for this customer", link.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task The_hubs_write_followed_by_Salesforces_echo_leads_to_no_second_write()
    {
        await _hub.SendSegmentAsync(Identify("m-priya", "priya.raman@example.com", "Priya", "Raman"));
        var (customerId, contactId) = await FirstUpsertAsync();
        // The link makes a new version of the customer, caused by sf1 itself: it must not be written back either.
        await EventuallyAsync(async () => IdentifierOf(await CustomerAsync(customerId), "salesforce:contact") == contactId, "the Contact id on the customer");

        await _hub.PostChangeEventAsync(Echo(contactId, customerId));
        // Everything queued for sf1 before the marker is handled once the marker's Contact is written.
        await _hub.SendSegmentAsync(Identify("m-marker", "marker@example.com", "Mark", "Er"));
        await EventuallyAsync(() => _hub.Org.Requests("PATCH", SalesforceOrg.Api).Any(r => r.Body.Contains("marker@example.com", StringComparison.Ordinal)), "the marker's write");

        Assert.Single(_hub.Org.ContactWritesOf(customerId, contactId));
        var timeline = await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/timeline", UriKind.Relative));
        Assert.DoesNotContain(timeline.GetProperty("items").EnumerateArray(), i => i.GetProperty("type").GetString() == "crm.contact.created");
    }

    [Fact]
    public async Task Changes_queued_together_go_out_in_one_collections_call_and_each_result_counts_on_its_own()
    {
        // The three changes are queued together only if the hub resolves the webhook's three touchpoints in one batch,
        // which a hub that is still cold (everything still to be compiled) on a busy machine can miss: they straggle in.
        // One customer through the whole path first warms it; its write is a single upsert.
        await _hub.SendSegmentAsync(Identify("w-1", "wendy.warm@example.com", "Wendy", "Warm"));
        var (warmCustomer, warmContact) = await FirstUpsertAsync();
        await EventuallyAsync(async () => IdentifierOf(await CustomerAsync(warmCustomer), "salesforce:contact") == warmContact, "the warm-up customer linked");
        // The link is a change of the warm-up customer too, on its way to sf1 as well: once sf1 has that version, sf1's
        // queue is empty, and the three changes below cannot share a batch window with it.
        await EventuallyAsync(async () => await SyncedVersionAsync(warmCustomer) == (await CustomerAsync(warmCustomer)).GetProperty("version").GetInt64(),
            "the link's change through sf1's queue");
        var singleUpserts = _hub.Org.Requests("PATCH", SalesforceOrg.UpsertPath).Count;

        _hub.Org.AnswersCollectionsWithTheSample();
        await _hub.SendSegmentAsync($$"""
            {"batch":[{{Identify("b-1", "amara.okafor@example.com", "Amara", "Okafor")}},
                      {{Identify("b-2", "tomas.lindqvist@example.org", "Tomas", "Lindqvist")}},
                      {{Identify("b-3", "priya.raman@example.com", "Priya", "Raman")}}]}
            """);

        await EventuallyAsync(() => _hub.Org.Requests("PATCH", SalesforceOrg.CollectionsUpsertPath).Count > 0, "a collections upsert");
        var records = Assert.Single(_hub.Org.Requests("PATCH", SalesforceOrg.CollectionsUpsertPath)).Json["records"]!.AsArray();
        Assert.Equal(3, records.Count);
        Assert.Equal(singleUpserts, _hub.Org.Requests("PATCH", SalesforceOrg.UpsertPath).Count);
        // The sample answer: the first two records written (an update and a create), the third refused by a validation rule.
        var results = JsonNode.Parse(SalesforceOrg.Sample("collections-upsert-response.json"))!.AsArray();
        var customers = records.Select(r => Guid.Parse(r!["Hub_Customer_Id__c"]!.GetValue<string>())).ToList();
        await EventuallyAsync(async () =>
            IdentifierOf(await CustomerAsync(customers[0]), "salesforce:contact") == results[0]!["id"]!.GetValue<string>()
            && IdentifierOf(await CustomerAsync(customers[1]), "salesforce:contact") == results[1]!["id"]!.GetValue<string>(), "the Contact ids on the customers");
        Assert.Null(IdentifierOf(await CustomerAsync(customers[2]), "salesforce:contact"));
    }

    [Fact]
    public async Task A_change_from_elsewhere_queued_together_with_a_newer_change_Salesforce_made_itself_is_still_written()
    {
        await _hub.SendSegmentAsync(Identify("m-priya", "priya.raman@example.com", "Priya", "Raman"));
        var (customerId, contactId) = await FirstUpsertAsync();
        await EventuallyAsync(async () => IdentifierOf(await CustomerAsync(customerId), "salesforce:contact") == contactId, "the Contact id on the customer");
        await EventuallyAsync(async () => await SyncedVersionAsync(customerId) == await VersionAsync(customerId), "the link's change through sf1's queue");
        var version = await VersionAsync(customerId);

        // Salesforce asks the hub to wait before the next write (another customer's); sf1's queue gathers what comes meanwhile.
        _hub.Org.AsksToWaitOnTheNextUpsert(TimeSpan.FromSeconds(10));
        await _hub.SendSegmentAsync(Identify("m-other", "omar.other@example.com", "Omar", "Other"));
        await EventuallyAsync(() => UpsertsOf("omar.other@example.com") == 1, "the write Salesforce asked to wait with");
        // A title from crm1, then a mobile number changed in Salesforce: two versions, the newer one caused by sf1 itself.
        await _hub.SendSegmentAsync("""{"type":"identify","messageId":"m-priya-title","traits":{"email":"priya.raman@example.com","title":"Head of Support"},"timestamp":"2026-03-10T17:00:00Z"}""");
        await EventuallyAsync(async () => await VersionAsync(customerId) == version + 1, "the title's version");
        await _hub.PostChangeEventAsync(MobileChanged(contactId));
        await EventuallyAsync(async () => await VersionAsync(customerId) == version + 2, "the mobile number's version");
        Assert.True(UpsertsOf("omar.other@example.com") == 1, "Both versions should be queued while the hub still waits, so that one batch holds them.");

        // The batch's newest version came from sf1, but the title in it did not: Salesforce must get it.
        await EventuallyAsync(() => _hub.Org.ContactWritesOf(customerId, contactId).Any(r => r.Body.Contains("Head of Support", StringComparison.Ordinal)),
            "the title written to the Contact");
        await EventuallyAsync(async () => await SyncedVersionAsync(customerId) == version + 2, "sf1 at the newest version");
    }

    private int UpsertsOf(string email) => _hub.Org.Requests("PATCH", SalesforceOrg.UpsertPath).Count(r => r.Body.Contains(email, StringComparison.Ordinal));

    private async Task<long> VersionAsync(Guid customerId) => (await CustomerAsync(customerId)).GetProperty("version").GetInt64();

    /// <summary>The sample update event on the Contact, changing only its mobile number, by a Salesforce user (not the hub).</summary>
    private static string MobileChanged(string contactId)
    {
        var json = JsonNode.Parse(SalesforceOrg.Sample("cdc-contact-update.json"))!;
        var payload = json["data"]!["payload"]!.AsObject();
        var header = payload["ChangeEventHeader"]!;
        header["recordIds"] = new JsonArray(contactId);
        header["changedFields"] = new JsonArray("MobilePhone", "LastModifiedDate");
        payload.Remove("Email");
        return json.ToJsonString();
    }

    private static string Identify(string messageId, string email, string firstName, string lastName) =>
        $$"""{"type":"identify","messageId":"{{messageId}}","traits":{"email":"{{email}}","first_name":"{{firstName}}","last_name":"{{lastName}}"},"timestamp":"2026-03-10T16:00:00Z"}""";

    /// <summary>The customer of the first upsert (the external id in its URL) and the Contact id Salesforce answered.</summary>
    private async Task<(Guid Customer, string Contact)> FirstUpsertAsync()
    {
        await EventuallyAsync(() => _hub.Org.Requests("PATCH", SalesforceOrg.UpsertPath).Count > 0, "an upsert");
        var entry = _hub.Org.Server.LogEntries.First(e => e.RequestMessage!.Path.StartsWith(SalesforceOrg.UpsertPath, StringComparison.Ordinal));
        var contactId = JsonNode.Parse(entry.ResponseMessage!.BodyData!.BodyAsString!)!["id"]!.GetValue<string>();
        return (Guid.Parse(entry.RequestMessage!.Path[SalesforceOrg.UpsertPath.Length..]), contactId);
    }

    private async Task<JsonElement> CustomerAsync(Guid id) =>
        await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{id}", UriKind.Relative));

    /// <summary>
    /// Salesforce's change event for the Contact the hub just created: made through the REST API with the hub's
    /// call options, by the integration user, carrying the fields the hub wrote.
    /// </summary>
    private async Task<long?> SyncedVersionAsync(Guid customerId)
    {
        var status = await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/sync", UriKind.Relative));
        return status.EnumerateArray().Where(s => s.GetProperty("connectorInstanceId").GetString() == SalesforceInstanceId)
            .Select(s => (long?)s.GetProperty("deliveredVersion").GetInt64()).FirstOrDefault();
    }

    private static string Echo(string contactId, Guid customerId)
    {
        var json = JsonNode.Parse(SalesforceOrg.Sample("cdc-contact-create.json"))!;
        var payload = json["data"]!["payload"]!.AsObject();
        var header = payload["ChangeEventHeader"]!;
        header["recordIds"] = new JsonArray(contactId);
        header["changeOrigin"] = "com/salesforce/api/rest/66.0;client=HubConnector";
        header["commitUser"] = SalesforceOrg.IntegrationUser;
        header["transactionKey"] = "0002b7d9-0c4e-6b1f-8e27-a94d5c03f002";
        foreach (var name in new[] { "AccountId", "Phone", "MobilePhone", "Title", "MailingAddress" })
        {
            payload.Remove(name);
        }
        payload["Name"] = new JsonObject { ["FirstName"] = "Priya", ["LastName"] = "Raman" };
        payload["Email"] = "priya.raman@example.com";
        payload["Hub_Customer_Id__c"] = customerId.ToString();
        foreach (var name in new[] { "OwnerId", "CreatedById", "LastModifiedById" })
        {
            payload[name] = SalesforceOrg.IntegrationUser;
        }
        return json.ToJsonString();
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}
