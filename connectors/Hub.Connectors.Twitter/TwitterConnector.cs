using Hub.Connectors.Twitter.Inbound;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twitter;

/// <summary>A company's X account: its mentions, replies and direct messages on each customer's timeline.</summary>
internal sealed class TwitterConnector : IConnector, IInboundWebhookHandler
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
}
