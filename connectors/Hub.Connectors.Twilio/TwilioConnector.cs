using Hub.Connectors.Twilio.Connection;
using Hub.Connectors.Twilio.Inbound;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twilio;

/// <summary>Twilio Programmable Voice and Messaging: every call and text of a Twilio number on the caller's timeline.</summary>
internal sealed class TwilioConnector(TwilioConnectionTester tester) : IConnector, IInboundWebhookHandler, IConnectionTester
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

    public ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken) =>
        tester.TestAsync(TwilioOptions.From(instance.Settings), cancellationToken);
}
