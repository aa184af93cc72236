using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests;

/// <summary>The shared connector conformance kit. The webhooks target takes no credentials it could check, so it adopts the base kit.</summary>
public sealed class WebhooksConformanceTests : ConnectorConformanceTests<WebhooksScenario>;

/// <summary>The generic webhooks connector as the conformance kit sees it: a CRM that receives signed customer changes and echoes them as Segment identify calls.</summary>
public sealed class WebhooksScenario : ConnectorScenario
{
    private const string Identify = """{"type":"identify","messageId":"m-1","userId":"u-1","traits":{"email":"jane.doe@example.org","name":"Jane Doe"}}""";

    public override IReadOnlyList<string> SecretOptions => ["Secret", "TargetSecret"];

    public override CustomerUpdated Change { get; } = new()
    {
        CustomerId = Guid.Parse("0b5f6a52-3f0e-4c57-a3a4-5f86f4f1d0e1"),
        Version = 3,
        ChangedFields = ["email"],
        Customer = new CustomerSnapshot
        {
            Id = Guid.Parse("0b5f6a52-3f0e-4c57-a3a4-5f86f4f1d0e1"),
            Version = 3,
            Identifiers = [new("email", "jane.doe@example.org")],
            Fields = new Dictionary<string, CustomerFieldValue>
            {
                ["name"] = new("Jane Doe", "shop", Now),
                ["email"] = new("jane.doe@example.org", "shop", Now),
                ["phone"] = new("+14155550100", "shop", Now),
            },
            CreatedAt = Now.AddDays(-3),
            UpdatedAt = Now,
        },
        SourceConnectorInstanceId = "shop",
        OccurredAt = Now,
    };

    public override IConnector CreateConnector(IHttpClientFactory httpClients) => Connector(httpClients: httpClients);

    public override ConnectorInstance Instance(Uri systemUrl) =>
        WebhooksTestKit.Instance(("Secret", SecretA), ("TargetUrl", new Uri(systemUrl, "/hook").ToString()));

    public override IEnumerable<InvalidSetting> InvalidSettings(Uri systemUrl)
    {
        yield return new("Secret", Settings(("Secret", "pa$$word")));
        yield return new("TargetUrl", Settings(("Secret", SecretA), ("TargetUrl", "ftp://crm.example.com/hook")));
        yield return new("ToleranceSeconds", Settings(("Secret", SecretA), ("ToleranceSeconds", "0")));
        yield return new("Channel", Settings(("Secret", SecretA), ("Channel", "fax")));
    }

    public override InboundWebhookRequest AuthenticEvent() => Signed(Identify, messageId: "msg_conformance_1");

    // Standard Webhooks senders retry with the same webhook-id, a new timestamp and a new signature.
    public override InboundWebhookRequest RedeliveredEvent() =>
        Signed(Identify, messageId: "msg_conformance_1", signedAt: Now.AddMinutes(5), receivedAt: Now.AddMinutes(5));

    public override InboundWebhookRequest OtherEvent() => Signed(Identify.Replace("m-1", "m-2", StringComparison.Ordinal), messageId: "msg_conformance_2");

    public override InboundWebhookRequest ForgedEvent() => Signed(Identify, secret: SecretB, messageId: "msg_conformance_1");

    public override void AcceptWrites(WireMockServer system) =>
        system.Given(WireMock.RequestBuilders.Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

    /// <summary>The CRM reports the customer back as it now holds it: an identify call with every field as a trait.</summary>
    public override InboundWebhookRequest EchoOf(WireMockServer system)
    {
        var sent = system.LogEntries.Last(e => e.RequestMessage?.Method == "POST").RequestMessage!;
        var data = JsonNode.Parse(sent.Body!)!["data"]!;
        var traits = new JsonObject();
        foreach (var (name, field) in data["customer"]!["fields"]!.AsObject())
        {
            traits[name] = field!["value"]!.GetValue<string>();
        }
        var echo = new JsonObject { ["type"] = "identify", ["messageId"] = "echo-1", ["userId"] = data["customerId"]!.GetValue<string>(), ["traits"] = traits };
        return Signed(echo.ToJsonString(JsonSerializerOptions.Web), messageId: "msg_echo_1");
    }
}
