using Hub.Connectors.Email.Inbound;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Email;

/// <summary>Mailgun routes forwarding mail to <c>/webhooks/&lt;instance&gt;</c> (kind <c>mailgun</c>), signed with the domain's signing key.</summary>
internal sealed class MailgunConnector : IConnector, IInboundWebhookHandler
{
    public const string Kind = "mailgun";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "E-mail via Mailgun routes",
        "Mail received by Mailgun and forwarded by a route (forward() action) to the hub, checked with the webhook signing key.",
        InboundParseOptions.Mailgun);

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => InboundParseOptions.MailgunProblems(settings);

    public ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(MailgunReceiver.Receive(request, instance.Settings));
}

/// <summary>SendGrid Inbound Parse posting mail to <c>/webhooks/&lt;instance&gt;</c> (kind <c>sendgrid</c>), with basic auth in the URL.</summary>
internal sealed class SendGridConnector : IConnector, IInboundWebhookHandler
{
    public const string Kind = "sendgrid";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "E-mail via SendGrid Inbound Parse",
        "Mail received by SendGrid Inbound Parse and posted to the hub (multipart form, default or raw mode), checked with the URL's basic-auth credentials.",
        InboundParseOptions.BasicAuth("SendGrid"));

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => InboundParseOptions.BasicAuthProblems(settings);

    public ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SendGridReceiver.Receive(request, instance.Settings));
}

/// <summary>Postmark's inbound webhook posting mail to <c>/webhooks/&lt;instance&gt;</c> (kind <c>postmark</c>), with basic auth in the URL.</summary>
internal sealed class PostmarkConnector : IConnector, IInboundWebhookHandler
{
    public const string Kind = "postmark";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "E-mail via Postmark inbound",
        "Mail received by a Postmark inbound stream and posted to the hub as JSON, checked with the URL's basic-auth credentials.",
        InboundParseOptions.BasicAuth("Postmark"));

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => InboundParseOptions.BasicAuthProblems(settings);

    public ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(PostmarkReceiver.Receive(request, instance.Settings));
}
