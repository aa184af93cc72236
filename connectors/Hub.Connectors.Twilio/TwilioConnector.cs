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

    public async ValueTask<MessageSendResult> SendAsync(OutboundMessage message, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = TwilioOptions.From(instance.Settings);
        if (options.FromNumber is null && options.MessagingServiceSid is null)
        {
            return new MessageSendResult(false, null, null,
                $"Connector instance '{instance.Id}' has neither '{TwilioOptions.SenderNumber}' nor '{TwilioOptions.MessagingService}' to send texts from.");
        }
        var result = await sender.SendAsync(options, message.To, message.Body, cancellationToken);
        return new MessageSendResult(result.Delivered, result.MessageSid, result.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail)
        {
            RecipientOptedOut = result.ErrorCode == TwilioError.RecipientUnsubscribed,
        };
    }

    public ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken) =>
        tester.TestAsync(TwilioOptions.From(instance.Settings), cancellationToken);
}
