using Hub.Connectors.Twilio.Connection;
using Hub.Connectors.Twilio.Inbound;
using Hub.Connectors.Twilio.Outbound;
using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twilio;

/// <summary>Twilio Programmable Voice and Messaging: every call and text of a Twilio number on the caller's timeline.</summary>
internal sealed class TwilioConnector(TwilioConnectionTester tester, TwilioMessageSender sender)
    : IConnector, IInboundWebhookHandler, IConnectionTester, IMessageSender
{
    public const string Kind = "twilio";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "Twilio (voice and SMS)",
        "Incoming calls, call status and recording callbacks and inbound SMS/MMS of Twilio numbers, signed with X-Twilio-Signature.",
        TwilioOptions.Descriptors);

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => TwilioOptions.Problems(settings);

    public ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TwilioReceiver.Receive(request, TwilioOptions.From(instance.Settings)));

    public string MessageChannel => TouchpointChannels.Sms;

    public string RecipientType => IdentifierTypes.Phone;

    public string? SendingProblem(ConnectorInstance instance)
    {
        var options = TwilioOptions.From(instance.Settings);
        return options.FromNumber is null && options.MessagingServiceSid is null
            ? $"Connector instance '{instance.Id}' has neither '{TwilioOptions.SenderNumber}' nor '{TwilioOptions.MessagingService}' to send texts from."
            : null;
    }

    public async ValueTask<MessageSendResult> SendAsync(OutboundMessage message, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        if (SendingProblem(instance) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        var options = TwilioOptions.From(instance.Settings);
        var result = await sender.SendAsync(options, message.To, message.Body, cancellationToken);
        return new MessageSendResult(result.Delivered, result.MessageSid, result.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail)
        {
            RecipientOptedOut = result.ErrorCode == TwilioError.RecipientUnsubscribed,
        };
    }

    public ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken) =>
        tester.TestAsync(TwilioOptions.From(instance.Settings), cancellationToken);
}
