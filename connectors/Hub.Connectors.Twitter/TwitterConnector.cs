using Hub.Connectors.Twitter.Connection;
using Hub.Connectors.Twitter.Inbound;
using Hub.Connectors.Twitter.Outbound;
using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twitter;

/// <summary>A company's X account: its mentions, replies and direct messages on each customer's timeline.</summary>
internal sealed class TwitterConnector(XMessageSender sender, MentionsPoller poller, XConnectionTester tester)
    : IConnector, IInboundWebhookHandler, IMessageSender, IPollingSource, IConnectionTester
{
    public const string Kind = "twitter";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "Twitter/X (mentions and direct messages)",
        "Account Activity webhooks of one X account: mentions, replies, direct messages, likes and follows, checked with the app's consumer secret.",
        TwitterOptions.Descriptors);

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => TwitterOptions.Problems(settings);

    public ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TwitterReceiver.Receive(request, TwitterOptions.From(instance.Settings)));

    public string MessageChannel => TouchpointChannels.Social;

    public string RecipientType => IdentifierTypes.Twitter;

    public string? SendingProblem(ConnectorInstance instance) =>
        TwitterOptions.From(instance.Settings).Credentials is null
            ? $"Connector instance '{instance.Id}' needs '{TwitterOptions.Key}', '{TwitterOptions.Token}' and '{TwitterOptions.TokenSecret}' (the account's OAuth 1.0a user context) to send."
            : null;

    public async ValueTask<MessageSendResult> SendAsync(OutboundMessage message, ConnectorInstance instance, CancellationToken cancellationToken) =>
        await sender.SendAsync(TwitterOptions.From(instance.Settings), message, cancellationToken);

    public bool Polls(ConnectorInstance instance) => TwitterOptions.From(instance.Settings).Mode == TwitterOptions.PollingMode;

    public async ValueTask<PollResult> PollAsync(ConnectorInstance instance, string? checkpoint, CancellationToken cancellationToken) =>
        await poller.PollAsync(TwitterOptions.From(instance.Settings), checkpoint, cancellationToken);

    public ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken) =>
        tester.TestAsync(TwitterOptions.From(instance.Settings), cancellationToken);
}
