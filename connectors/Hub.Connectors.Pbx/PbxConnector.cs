using Hub.Connectors.Pbx.Inbound;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Pbx;

/// <summary>On-prem phone systems posting one JSON call record per call, signed with Standard Webhooks.</summary>
internal sealed class PbxConnector : IConnector, IInboundWebhookHandler
{
    public const string Kind = "pbx";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "Phone system (PBX call records)",
        "Call records from Asterisk, FreeSWITCH or any PBX, as signed JSON, on the caller's timeline.",
        PbxOptions.Descriptors);

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => PbxOptions.Problems(settings);

    public ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CallRecordReceiver.Receive(request, PbxOptions.From(instance.Settings)));
}
