using System.Text.Json;
using Hub.Contracts.Touchpoints;
using Hub.Integration.Tests.Connectors.Salesforce;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Microsoft.Data.Sqlite;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Sync;

/// <summary>
/// Every touchpoint appended to a timeline is announced through the outbox (<see cref="TouchpointAppended"/>) with
/// its customer, but only where some sync target records touchpoints: other installs pay nothing.
/// </summary>
public sealed class TouchpointFanoutTests
{
    private const string Identify = """{"type":"identify","messageId":"m-fan-1","traits":{"email":"fan@example.com","name":"Fan Out"},"timestamp":"2026-03-10T16:00:00Z"}""";

    [Fact]
    public async Task With_a_touchpoint_target_each_appended_touchpoint_is_announced_once_with_its_customer()
    {
        await using var hub = await SalesforceHub.StartAsync();

        await hub.SendSegmentAsync(Identify);
        // The hub's write to Salesforce links the Contact id with a touchpoint of its own: a second transaction.
        var customerId = Guid.Empty;
        await SalesforceHub.EventuallyAsync(async () => (await hub.FindAsync("email=fan@example.com")) is [var found]
            && SalesforceHub.IdentifierOf(found, "salesforce:contact") is not null && (customerId = found.GetProperty("id").GetGuid()) != Guid.Empty, "the linked customer");

        var announced = await OutboxAsync(hub.Embedded!, nameof(TouchpointAppended));
        var identify = Assert.Single(announced, a => a.GetProperty("touchpoint").GetProperty("touchpointId").GetGuid() == TouchpointIds.From(EmbeddedHub.InstanceId, "m-fan-1"));
        Assert.Equal(customerId, identify.GetProperty("customerId").GetGuid());
        Assert.Equal(1, identify.GetProperty("customer").GetProperty("version").GetInt64());
        Assert.Equal("Fan Out", identify.GetProperty("customer").GetProperty("fields").GetProperty("name").GetProperty("value").GetString());
        var link = Assert.Single(announced, a => a.GetProperty("touchpoint").GetProperty("type").GetString() == "crm.record.linked");
        Assert.Equal(customerId, link.GetProperty("customerId").GetGuid());
        Assert.Equal(2, link.GetProperty("customer").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Without_a_touchpoint_target_no_touchpoint_is_announced()
    {
        using var target = WireMockServer.Start();
        target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await using var hub = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            ["Hub:Connectors:crm2:Kind"] = "webhooks",
            ["Hub:Connectors:crm2:Secret"] = SignedWebhookSender.ExampleSecret,
            ["Hub:Connectors:crm2:TargetUrl"] = $"http://127.0.0.1:{target.Port}/hub-events",
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
        });

        using (var response = await hub.Sender.SendAsync(Identify))
        {
            Assert.True(response.IsSuccessStatusCode);
        }
        await SalesforceHub.EventuallyAsync(() => target.LogEntries.Any(), "the change at crm2");

        Assert.NotEmpty(await OutboxAsync(hub, "CustomerUpdated"));
        Assert.Empty(await OutboxAsync(hub, nameof(TouchpointAppended)));
    }

    private static async Task<List<JsonElement>> OutboxAsync(EmbeddedHub hub, string messageType)
    {
        await using var connection = new SqliteConnection($"Data Source={hub.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select Body from outbox where MessageType = $type order by Id";
        command.Parameters.AddWithValue("$type", messageType);
        var bodies = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var body = JsonDocument.Parse(reader.GetString(0));
            bodies.Add(body.RootElement.Clone());
        }
        return bodies;
    }
}
