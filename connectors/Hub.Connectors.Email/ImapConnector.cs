using Hub.Connectors.Email.Imap;
using Hub.Connectors.Email.Outbound;
using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Email;

/// <summary>One mailbox folder over IMAP (kind <c>imap</c>), and replies through SMTP.</summary>
internal sealed class ImapConnector(MailboxPoller poller, SmtpReplySender sender, IOutboundConnections connections) : IConnector, IPollingSource, IMessageSender, IConnectionTester
{
    public const string Kind = "imap";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "E-mail mailbox (IMAP)",
        "One mailbox folder read over IMAP (IDLE where the server has it), each mail on its sender's timeline; replies leave through SMTP.",
        ImapOptions.Descriptors);

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => ImapOptions.Problems(settings);

    public bool Polls(ConnectorInstance instance) => true;

    public async ValueTask<PollResult> PollAsync(ConnectorInstance instance, string? checkpoint, CancellationToken cancellationToken) =>
        await poller.PollAsync(instance.Id, ImapOptions.From(instance.Settings), checkpoint, cancellationToken);

    public string MessageChannel => TouchpointChannels.Email;

    public string RecipientType => IdentifierTypes.Email;

    public string? SendingProblem(ConnectorInstance instance)
    {
        var options = ImapOptions.From(instance.Settings);
        return options.SmtpHost is null || options.FromAddress is null
            ? $"Connector instance '{instance.Id}' needs '{ImapOptions.SmtpHostOption}' and '{ImapOptions.FromAddressOption}' to send."
            : null;
    }

    public async ValueTask<MessageSendResult> SendAsync(OutboundMessage message, ConnectorInstance instance, CancellationToken cancellationToken) =>
        await sender.SendAsync(ImapOptions.From(instance.Settings), message, cancellationToken);

    public ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken) =>
        ImapConnectionTester.TestAsync(ImapOptions.From(instance.Settings), connections, cancellationToken);
}
