using System.Net.Http.Json;
using System.Text.Json;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Connectors.Salesforce;

/// <summary>
/// Where a customer's Contact id came from: a Contact the hub created for one of its customers keeps no one from
/// merging, and a Contact deleted in Salesforce steers no write.
/// </summary>
public sealed class ContactProvenanceTests : IAsyncLifetime
{
    private const string Email = "carl.c1@example.org";
    private const string Phone = "+15035550197";

    private SalesforceHub _hub = null!;

    public async Task InitializeAsync() => _hub = await StartAsync();

    [Fact]
    public async Task Two_customers_whose_Contacts_the_hub_created_merge_when_a_touchpoint_names_both_and_the_survivor_keeps_writing_its_own()
    {
        await _hub.SendSegmentAsync(Identify("m-c1", $$"""{"email":"{{Email}}","first_name":"Carl","last_name":"Gamma"}"""));
        var first = await LinkedCustomerAsync($"email={Uri.EscapeDataString(Email)}");
        await _hub.SendSegmentAsync(Identify("m-c2", $$"""{"phone":"{{Phone}}","first_name":"Carl","last_name":"Gamma"}"""));
        var second = await LinkedCustomerAsync($"phone={Uri.EscapeDataString(Phone)}");
        Assert.NotEqual(first.Customer, second.Customer);
        Assert.NotEqual(first.Contact, second.Contact);
        var writesOfSecond = _hub.Org.ContactWritesOf(second.Customer, second.Contact).Count;

        await _hub.SendSegmentAsync(Identify("m-c3", $$"""{"email":"{{Email}}","phone":"{{Phone}}","title":"Buyer"}"""));

        await EventuallyAsync(async () => (await _hub.FindAsync($"phone={Uri.EscapeDataString(Phone)}")).Single().GetProperty("id").GetGuid() == first.Customer,
            "the second customer merged into the first");
        var conflicts = await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri("api/identity/conflicts", UriKind.Relative));
        Assert.Empty(conflicts.GetProperty("items").EnumerateArray());
        // The survivor's change goes to the Contact the hub created for it; the merged customer's Contact stays as it was.
        await EventuallyAsync(() => _hub.Org.Requests("PATCH", $"{SalesforceOrg.ContactPath}/{first.Contact}").Any(r => r.Body.Contains("Buyer", StringComparison.Ordinal)),
            "the survivor's Contact written");
        Assert.Equal(writesOfSecond, _hub.Org.ContactWritesOf(second.Customer, second.Contact).Count);
    }

    [Fact]
    public async Task A_change_of_a_customer_whose_Contact_was_deleted_in_Salesforce_is_written_to_a_new_Contact_which_it_then_keeps()
    {
        await _hub.SendSegmentAsync(Identify("m-c1", $$"""{"email":"{{Email}}","first_name":"Carl","last_name":"Gamma"}"""));
        var (customer, deleted) = await LinkedCustomerAsync($"email={Uri.EscapeDataString(Email)}");
        await EventuallyAsync(async () => await SyncedVersionAsync(customer) == await VersionAsync(customer), "the link's change through sf1's queue");
        _hub.Org.Deletes(deleted);

        await _hub.SendSegmentAsync(Identify("m-c2", $$"""{"email":"{{Email}}","title":"Buyer"}"""));

        await EventuallyAsync(() => _hub.Org.ContactOf(customer) is not null, "the upsert by external id after the 404");
        var replacement = _hub.Org.ContactOf(customer)!;
        Assert.NotEqual(deleted, replacement);
        await EventuallyAsync(async () => Identifiers(await CustomerAsync(customer), "salesforce:contact").Contains(replacement), "the new Contact linked");
        await EventuallyAsync(async () => await SyncedVersionAsync(customer) == await VersionAsync(customer), "sf1 at the newest version, nothing refused");
        var writesOfDeleted = _hub.Org.Requests("PATCH", $"{SalesforceOrg.ContactPath}/{deleted}").Count;

        await _hub.SendSegmentAsync(Identify("m-c3", $$"""{"email":"{{Email}}","title":"Head Buyer"}"""));

        await EventuallyAsync(() => _hub.Org.Requests("PATCH", $"{SalesforceOrg.ContactPath}/{replacement}").Any(r => r.Body.Contains("Head Buyer", StringComparison.Ordinal)),
            "the next change written to the new Contact");
        Assert.Equal(writesOfDeleted, _hub.Org.Requests("PATCH", $"{SalesforceOrg.ContactPath}/{deleted}").Count);
    }

    private static string Identify(string messageId, string traits) =>
        $$"""{"type":"identify","messageId":"{{messageId}}","traits":{{traits}},"timestamp":"2026-03-10T16:00:00Z"}""";

    /// <summary>The one customer the query finds, once it holds the Contact id the org gave it.</summary>
    private async Task<(Guid Customer, string Contact)> LinkedCustomerAsync(string query)
    {
        Guid customer = default;
        await EventuallyAsync(async () =>
        {
            var found = await _hub.FindAsync(query);
            customer = found.Count == 1 ? found[0].GetProperty("id").GetGuid() : default;
            return customer != default && _hub.Org.ContactOf(customer) is { } contact
                && Identifiers(await CustomerAsync(customer), "salesforce:contact").Contains(contact);
        }, $"the customer of {query} linked to its Contact");
        return (customer, _hub.Org.ContactOf(customer)!);
    }

    private static List<string> Identifiers(JsonElement customer, string type) =>
        [.. customer.GetProperty("identifiers").EnumerateArray()
            .Where(i => i.GetProperty("type").GetString() == type).Select(i => i.GetProperty("value").GetString()!)];

    private async Task<JsonElement> CustomerAsync(Guid id) =>
        await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{id}", UriKind.Relative));

    private async Task<long> VersionAsync(Guid customerId) => (await CustomerAsync(customerId)).GetProperty("version").GetInt64();

    private async Task<long?> SyncedVersionAsync(Guid customerId)
    {
        var status = await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/sync", UriKind.Relative));
        return status.EnumerateArray().Where(s => s.GetProperty("connectorInstanceId").GetString() == SalesforceInstanceId)
            .Select(s => (long?)s.GetProperty("deliveredVersion").GetInt64()).FirstOrDefault();
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}
