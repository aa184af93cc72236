using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using static Hub.Connectors.Twilio.Tests.TwilioTestKit;

namespace Hub.Connectors.Twilio.Tests;

/// <summary>The shared connector conformance kit. Twilio is a webhook source here (no sync target), so it adopts the inbound kit.</summary>
public sealed class TwilioConformanceTests : InboundConnectorConformanceTests<TwilioScenario>;

/// <summary>The Twilio connector as the conformance kit sees it: a number whose calls report their status.</summary>
public sealed class TwilioScenario : InboundConnectorScenario
{
    public override IReadOnlyList<string> SecretOptions => ["AuthToken"];

    public override IConnector CreateConnector(IHttpClientFactory httpClients) => Connector();

    public override ConnectorInstance Instance(Uri systemUrl) => TwilioTestKit.Instance(("ApiBaseUrl", systemUrl.ToString()));

    public override IEnumerable<InvalidSetting> InvalidSettings(Uri systemUrl)
    {
        yield return new("AccountSid", Settings(("AccountSid", "AC123"), ("AuthToken", AuthToken)));
        yield return new("AuthToken", Settings(("AccountSid", AccountSid)));
        yield return new("PublicBaseUrl", Settings(("AccountSid", AccountSid), ("AuthToken", AuthToken), ("PublicBaseUrl", "hub.example.com")));
        yield return new("FromNumber", Settings(("AccountSid", AccountSid), ("AuthToken", AuthToken), ("FromNumber", "(212) 555-0147")));
        yield return new("MessagingServiceSid", Settings(("AccountSid", AccountSid), ("AuthToken", AuthToken), ("MessagingServiceSid", "MG1")));
        yield return new("ApiBaseUrl", Settings(("AccountSid", AccountSid), ("AuthToken", AuthToken), ("ApiBaseUrl", "ftp://api.twilio.com")));
        yield return new("DefaultRegion", Settings(("AccountSid", AccountSid), ("AuthToken", AuthToken), ("DefaultRegion", "USA")));
    }

    public override InboundWebhookRequest AuthenticEvent() => Signed(Sample("voice-status-no-answer.form"));

    // Twilio retries a callback with the same parameters; a proxy may replay it too.
    public override InboundWebhookRequest RedeliveredEvent() => Signed(Sample("voice-status-no-answer.form"));

    public override InboundWebhookRequest OtherEvent() => Signed(Sample("voice-status-completed.form"));

    public override InboundWebhookRequest ForgedEvent() => Signed(Sample("voice-status-no-answer.form"), token: OtherToken);
}
