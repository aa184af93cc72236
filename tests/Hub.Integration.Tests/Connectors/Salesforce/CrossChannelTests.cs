using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Contracts.Touchpoints;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Connectors.Salesforce;

/// <summary>
/// The issue's end-to-end acceptance through a running hub: Salesforce sees what happens on other channels, and
/// the other systems see what changes in Salesforce.
/// </summary>
public sealed class CrossChannelTests : IAsyncLifetime
{
    private const string LenasMobile = "%2B15035550188";
    private SalesforceHub _hub = null!;

    private static JsonNode ContactCreated => JsonNode.Parse(SalesforceOrg.Sample("cdc-contact-create.json"))!;

    private static string Lena => ContactCreated["data"]!["payload"]!["ChangeEventHeader"]!["recordIds"]![0]!.GetValue<string>();

    public async Task InitializeAsync() => _hub = await StartAsync(crm1Channel: "phone");

    [Fact]
    public async Task A_call_from_another_channel_with_the_contacts_phone_in_national_format_becomes_a_Task_on_that_contact()
    {
        // Lena's Contact holds her mobile as "+1 503-555-0188"; the phone system reports the caller as "(503) 555-0188".
        await _hub.PostChangeEventAsync(ContactCreated.ToJsonString());
        await EventuallyAsync(async () => (await _hub.FindAsync($"phone={LenasMobile}")).Count == 1, "Lena's customer");

        await _hub.SendSegmentAsync("""
            {"type":"track","event":"Inbound call","messageId":"call-0001","timestamp":"2026-03-10T16:00:00Z",
             "context":{"traits":{"phone":"(503) 555-0188"}}}
            """);

        await EventuallyAsync(() => _hub.Org.Requests("POST", SalesforceOrg.TaskPath).Count > 0, "a Task in Salesforce");
        var task = Assert.Single(_hub.Org.Requests("POST", SalesforceOrg.TaskPath)).Json;
        Assert.Equal(Lena, task["WhoId"]!.GetValue<string>());
        Assert.Equal("Call: Inbound call", task["Subject"]!.GetValue<string>());
        Assert.Equal("Call", task["TaskSubtype"]!.GetValue<string>());
        Assert.Equal("Inbound", task["CallType"]!.GetValue<string>());
        Assert.Equal("Completed", task["Status"]!.GetValue<string>());
        Assert.Equal("2026-03-10", task["ActivityDate"]!.GetValue<string>());
        Assert.Contains($"Hub touchpoint {TouchpointIds.From("crm1", "call-0001")}", task["Description"]!.GetValue<string>(), StringComparison.Ordinal);
        var lena = Assert.Single(await _hub.FindAsync($"phone={LenasMobile}"));
        Assert.Equal(Lena, IdentifierOf(lena, "salesforce:contact"));
    }

    [Fact]
    public async Task A_change_of_the_contacts_email_in_Salesforce_reaches_the_webhook_target_as_a_signed_customer_updated()
    {
        await _hub.PostChangeEventAsync(ContactCreated.ToJsonString());
        await EventuallyAsync(async () => (await _hub.FindAsync("email=lena.fischer@example.com")).Count == 1, "Lena's customer");

        await _hub.PostChangeEventAsync(EmailChanged(Lena, "lena.fischer@example.net"));

        WireMock.IRequestMessage? delivery = null;
        await EventuallyAsync(() => (delivery = _hub.Target.LogEntries.Select(e => e.RequestMessage!)
            .FirstOrDefault(r => r.Body!.Contains("lena.fischer@example.net", StringComparison.Ordinal))) is not null, "the change at crm2");
        var headers = new HeaderDictionary();
        foreach (var (name, values) in delivery!.Headers!)
        {
            headers[name] = values.ToArray();
        }
        new StandardWebhook(TargetSecret).Verify(delivery.Body!, headers);
        using var body = JsonDocument.Parse(delivery.Body!);
        Assert.Equal("customer.updated", body.RootElement.GetProperty("type").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(SalesforceInstanceId, data.GetProperty("sourceConnectorInstanceId").GetString());
        Assert.Contains("email", data.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
        var customer = data.GetProperty("customer");
        Assert.Equal("lena.fischer@example.net", customer.GetProperty("fields").GetProperty("email").GetProperty("value").GetString());
        Assert.Equal(Lena, IdentifierOf(customer, "salesforce:contact"));
    }

    /// <summary>The sample update event, moved onto Lena's Contact an hour after she was created, changing only her e-mail.</summary>
    private static string EmailChanged(string contactId, string email)
    {
        var created = ContactCreated["data"]!["payload"]!["ChangeEventHeader"]!;
        var json = JsonNode.Parse(SalesforceOrg.Sample("cdc-contact-update.json"))!;
        var payload = json["data"]!["payload"]!.AsObject();
        var header = payload["ChangeEventHeader"]!;
        header["recordIds"] = new JsonArray(contactId);
        header["transactionKey"] = "0002b7d9-0c4e-6b1f-8e27-a94d5c03f001";
        header["commitTimestamp"] = created["commitTimestamp"]!.GetValue<long>() + 3_600_000;
        header["changedFields"] = new JsonArray("Email", "LastModifiedDate");
        payload.Remove("MobilePhone");
        payload["Email"] = email;
        payload["LastModifiedDate"] = "2026-03-10T16:02:11.000Z";
        return json.ToJsonString();
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}
