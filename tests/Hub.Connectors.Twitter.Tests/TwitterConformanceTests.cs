using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using static Hub.Connectors.Twitter.Tests.TwitterTestKit;

namespace Hub.Connectors.Twitter.Tests;

/// <summary>The shared connector conformance kit; until replies go out through the hub, X is a webhook source here.</summary>
public sealed class TwitterConformanceTests : InboundConnectorConformanceTests<TwitterScenario>;

public sealed class TwitterScenario : InboundConnectorScenario
{
    public override IReadOnlyList<string> SecretOptions => ["ConsumerSecret", "AccessTokenSecret", "BearerToken"];

    public override IConnector CreateConnector(IHttpClientFactory httpClients) => Connector();

    public override ConnectorInstance Instance(Uri systemUrl) => TwitterTestKit.Instance(("ApiBaseUrl", systemUrl.ToString()));

    public override IEnumerable<InvalidSetting> InvalidSettings(Uri systemUrl)
    {
        yield return new("ConsumerSecret", Settings(("AccountUserId", AccountUserId)));
        yield return new("AccountUserId", Settings(("ConsumerSecret", ConsumerSecret), ("AccountUserId", "@ExampleCoHelp")));
        yield return new("Mode", Settings(("ConsumerSecret", ConsumerSecret), ("AccountUserId", AccountUserId), ("Mode", "stream")));
        yield return new("AccessTokenSecret", Settings(("ConsumerSecret", ConsumerSecret), ("AccountUserId", AccountUserId), ("AccessToken", "1102497772336161459-abc")));
        yield return new("ApiBaseUrl", Settings(("ConsumerSecret", ConsumerSecret), ("AccountUserId", AccountUserId), ("ApiBaseUrl", "ftp://api.x.com")));
    }

    public override InboundWebhookRequest AuthenticEvent() => Signed(Sample("aaa-tweet-create-mention.json"));

    // X retries a delivery it got no 200 for, and sends duplicates: the same body again.
    public override InboundWebhookRequest RedeliveredEvent() => Signed(Sample("aaa-tweet-create-mention.json"));

    public override InboundWebhookRequest OtherEvent() => Signed(Sample("aaa-dm-received.json"));

    public override InboundWebhookRequest ForgedEvent() => Signed(Sample("aaa-tweet-create-mention.json"), OtherSecret);
}
