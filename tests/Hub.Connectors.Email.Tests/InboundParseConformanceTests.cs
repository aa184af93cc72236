using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using static Hub.Connectors.Email.Tests.EmailTestKit;

namespace Hub.Connectors.Email.Tests;

/// <summary>The shared connector conformance kit, once per inbound-parse kind.</summary>
public sealed class MailgunConformanceTests : InboundConnectorConformanceTests<MailgunScenario>;

public sealed class SendGridConformanceTests : InboundConnectorConformanceTests<SendGridScenario>;

public sealed class PostmarkConformanceTests : InboundConnectorConformanceTests<PostmarkScenario>;

public sealed class MailgunScenario : InboundConnectorScenario
{
    public override IReadOnlyList<string> SecretOptions => ["SigningKey"];

    public override IConnector CreateConnector(IHttpClientFactory httpClients) => Connector("mailgun");

    public override ConnectorInstance Instance(Uri systemUrl) => MailgunInstance();

    public override IEnumerable<InvalidSetting> InvalidSettings(Uri systemUrl)
    {
        yield return new("SigningKey", Settings());
    }

    public override InboundWebhookRequest AuthenticEvent() => MailgunRequest(MailgunForm());

    // Whether Mailgun's retries reuse timestamp and token is not documented: a retry may be either.
    public override InboundWebhookRequest RedeliveredEvent()
    {
        const string token = "0123456789abcdef0123456789abcdef0123456789abcdef01";
        return MailgunRequest(MailgunForm(MailgunSignature(MailgunKey, "1741944484", token), token));
    }

    public override InboundWebhookRequest OtherEvent() => MailgunRequest(MailgunMimeForm(Sample("plain-customer.eml")));

    public override InboundWebhookRequest ForgedEvent() =>
        MailgunRequest(MailgunForm(MailgunSignature("example-signing-key-0002", "1741944484", "8f3c1d9a27b64e0c5a1f7e93d2b8c6a4f01e5d7b9c3a2e8f64")));
}

public sealed class SendGridScenario : InboundConnectorScenario
{
    public override IReadOnlyList<string> SecretOptions => ["Password"];

    public override IConnector CreateConnector(IHttpClientFactory httpClients) => Connector("sendgrid");

    public override ConnectorInstance Instance(Uri systemUrl) => BasicInstance("sendgrid");

    public override IEnumerable<InvalidSetting> InvalidSettings(Uri systemUrl)
    {
        yield return new("User", Settings(("Password", BasicPassword)));
        yield return new("Password", Settings(("User", BasicUser)));
        yield return new("User", Settings(("User", "hub:admin"), ("Password", BasicPassword)));
    }

    public override InboundWebhookRequest AuthenticEvent() => SendGridRequest();

    public override InboundWebhookRequest RedeliveredEvent() => SendGridRequest();

    public override InboundWebhookRequest OtherEvent() => SendGridRequest(SendGridRaw(Sample("plain-customer.eml")));

    public override InboundWebhookRequest ForgedEvent() => SendGridRequest(authorization: Basic(password: "guessed"));
}

public sealed class PostmarkScenario : InboundConnectorScenario
{
    public override IReadOnlyList<string> SecretOptions => ["Password"];

    public override IConnector CreateConnector(IHttpClientFactory httpClients) => Connector("postmark");

    public override ConnectorInstance Instance(Uri systemUrl) => BasicInstance("postmark");

    public override IEnumerable<InvalidSetting> InvalidSettings(Uri systemUrl)
    {
        yield return new("User", Settings(("Password", BasicPassword)));
        yield return new("Password", Settings(("User", BasicUser)));
    }

    public override InboundWebhookRequest AuthenticEvent() => PostmarkRequest();

    public override InboundWebhookRequest RedeliveredEvent() => PostmarkRequest();

    public override InboundWebhookRequest OtherEvent() => PostmarkRequest(PostmarkRaw(Sample("reply-threaded.eml")));

    public override InboundWebhookRequest ForgedEvent() => PostmarkRequest(authorization: Basic(user: "postmark"));
}
