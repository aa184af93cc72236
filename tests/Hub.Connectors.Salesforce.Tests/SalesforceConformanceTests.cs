using System.Text.Json.Nodes;
using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Microsoft.Extensions.Time.Testing;
using WireMock.Server;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests;

/// <summary>The shared connector conformance kit, credentials included.</summary>
public sealed class SalesforceConformanceTests : CredentialedConnectorConformanceTests<SalesforceScenario>;

/// <summary>The Salesforce connector as the conformance kit sees it, with the documented samples.</summary>
public sealed class SalesforceScenario : CredentialedConnectorScenario
{
    public override IReadOnlyList<string> SecretOptions => ["ClientSecret", "PrivateKey", "EndpointSecret"];

    public override CustomerUpdated Change { get; } = SalesforceTestKit.Change(
        identifiers: [new("salesforce:contact", Amara), CustomerIdentifier.Email("amara.okafor@example.com")],
        fields: [("email", "amara.okafor@example.com"), ("mobilePhone", "+1 503-555-0147"), ("lastName", "Okafor")]);

    public override IConnector CreateConnector(IHttpClientFactory httpClients) => Connector(new FakeTimeProvider(Now), httpClients);

    public override ConnectorInstance Instance(Uri systemUrl) => SalesforceTestKit.Instance(systemUrl);

    public override IEnumerable<InvalidSetting> InvalidSettings(Uri systemUrl)
    {
        ConnectorSettings With(string name, string? value) =>
            new(SalesforceTestKit.Instance(systemUrl).Settings.Keys.Select(k => KeyValuePair.Create(k, SalesforceTestKit.Instance(systemUrl).Settings.Get(k)))
                .Where(kv => !kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Append(KeyValuePair.Create(name, value)));
        yield return new("OrganizationId", With("OrganizationId", "0035g00000Qk7XaAAJ"));
        yield return new("InstanceUrl", With("InstanceUrl", "http://example.my.salesforce.com"));
        yield return new("ClientSecret", With("ClientSecret", null));
        yield return new("ApiVersion", With("ApiVersion", "40.0"));
        yield return new("FieldMapping", With("FieldMapping", "email"));
    }

    public override InboundWebhookRequest AuthenticEvent() => OutboundMessage(Sample("outbound-message-contact.xml"));

    // Salesforce redelivers the very same envelope, notification ids included.
    public override InboundWebhookRequest RedeliveredEvent() => OutboundMessage(Sample("outbound-message-contact.xml"));

    public override InboundWebhookRequest OtherEvent() => OutboundMessage(Sample("outbound-message-case.xml"));

    public override InboundWebhookRequest ForgedEvent() =>
        OutboundMessage(Sample("outbound-message-contact.xml").Replace(OrgId18, "00D5g000001AbCdEAE", StringComparison.Ordinal));

    public override void AcceptWrites(WireMockServer system)
    {
        var url = new Uri(system.Url!);
        system.Given(WireMock.RequestBuilders.Request.Create().WithPath("/services/oauth2/token").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody(FakeSalesforce.TokenBody(url)));
        system.Given(WireMock.RequestBuilders.Request.Create().WithPath("/services/data/*").UsingPatch())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(204));
        system.Given(WireMock.RequestBuilders.Request.Create().WithPath("/services/data/v66.0/sobjects/Contact/describe").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody(Connection.ConnectionTestTests.Describe()));
    }

    public override void RefuseCredentials(WireMockServer system) =>
        system.Given(WireMock.RequestBuilders.Request.Create().WithPath("/services/oauth2/token").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(400).WithBody(Sample("oauth-error.json")));

    /// <summary>The change event Salesforce publishes for the hub's write: its fields, its origin.</summary>
    public override InboundWebhookRequest EchoOf(WireMockServer system)
    {
        var write = system.LogEntries.Last(e => e.RequestMessage?.Method == "PATCH").RequestMessage!;
        var fields = JsonNode.Parse(write.Body!)!.AsObject();
        var echo = JsonNode.Parse(Sample("cdc-contact-update.json"))!;
        var payload = echo["data"]!["payload"]!.AsObject();
        payload["ChangeEventHeader"]!["changeOrigin"] = "com/salesforce/api/rest/66.0;client=HubConnector";
        payload["ChangeEventHeader"]!["changedFields"] = new JsonArray([.. fields.Select(f => (JsonNode)f.Key)]);
        foreach (var (name, value) in fields)
        {
            payload[name] = value?.DeepClone();
        }
        return ChangeEvent(echo.ToJsonString());
    }
}
