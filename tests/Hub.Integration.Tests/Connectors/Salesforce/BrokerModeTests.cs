using System.Text.Json.Nodes;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Connectors.Salesforce;

/// <summary>The same sync in production mode: touchpoints, batches and links over RabbitMQ, checkpoints in PostgreSQL.</summary>
public sealed class BrokerModeTests : IAsyncLifetime
{
    private SalesforceHub _hub = null!;

    public async Task InitializeAsync() => _hub = await StartOnBrokerAsync(crm1Channel: "phone");

    [Fact]
    public async Task On_RabbitMQ_and_PostgreSQL_a_call_becomes_a_Task_and_a_written_Contact_is_linked()
    {
        var created = SalesforceOrg.Sample("cdc-contact-create.json");
        var lena = JsonNode.Parse(created)!["data"]!["payload"]!["ChangeEventHeader"]!["recordIds"]![0]!.GetValue<string>();
        await _hub.PostChangeEventAsync(created);
        await EventuallyAsync(async () => (await _hub.FindAsync("phone=%2B15035550188")).Count == 1, "Lena's customer");

        await _hub.SendSegmentAsync("""
            {"batch":[
              {"type":"track","event":"Inbound call","messageId":"call-0002","timestamp":"2026-03-10T16:00:00Z","context":{"traits":{"phone":"(503) 555-0188"}}},
              {"type":"identify","messageId":"m-new","traits":{"email":"new.caller@example.com","name":"New Caller"},"timestamp":"2026-03-10T16:00:00Z"}]}
            """);

        await EventuallyAsync(() => _hub.Org.Requests("POST", SalesforceOrg.TaskPath)
            .Any(t => t.Json["WhoId"]!.GetValue<string>() == lena && t.Json["Subject"]!.GetValue<string>() == "Call: Inbound call"), "the call as a Task on Lena's Contact");
        Guid newCaller = default;
        await EventuallyAsync(async () => (await _hub.FindAsync("email=new.caller@example.com")) is [var found]
            && (newCaller = found.GetProperty("id").GetGuid()) != default
            && IdentifierOf(found, "salesforce:contact") is { } contact && contact == _hub.Org.ContactOf(newCaller), "the new caller linked to the Contact written for them");
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}
