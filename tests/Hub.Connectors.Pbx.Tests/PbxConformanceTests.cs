using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using static Hub.Connectors.Pbx.Tests.PbxTestKit;

namespace Hub.Connectors.Pbx.Tests;

/// <summary>The shared connector conformance kit; a PBX only posts to the hub, so it adopts the inbound kit.</summary>
public sealed class PbxConformanceTests : InboundConnectorConformanceTests<PbxScenario>;

public sealed class PbxScenario : InboundConnectorScenario
{
    public override IReadOnlyList<string> SecretOptions => ["Secret"];

    public override IConnector CreateConnector(IHttpClientFactory httpClients) => Connector();

    public override ConnectorInstance Instance(Uri systemUrl) => PbxTestKit.Instance();

    public override IEnumerable<InvalidSetting> InvalidSettings(Uri systemUrl)
    {
        yield return new("Secret", Settings(("Secret", "pa$$word")));
        yield return new("ToleranceSeconds", Settings(("Secret", SecretA), ("ToleranceSeconds", "0")));
        yield return new("DefaultRegion", Settings(("Secret", SecretA), ("DefaultRegion", "USA")));
    }

    public override InboundWebhookRequest AuthenticEvent() => Signed(AnsweredInbound, id: "msg_1");

    // A forwarder that retries sends the same record again, signed anew.
    public override InboundWebhookRequest RedeliveredEvent() => Signed(AnsweredInbound, id: "msg_2", at: Now.AddMinutes(1));

    public override InboundWebhookRequest OtherEvent() => Signed(AnsweredInbound.Replace("1772529302.42", "1772529999.7", StringComparison.Ordinal));

    public override InboundWebhookRequest ForgedEvent() => Signed(AnsweredInbound, secret: SecretB);
}
