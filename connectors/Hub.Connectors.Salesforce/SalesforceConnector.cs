using Hub.Connectors.Salesforce.Connection;
using Hub.Connectors.Salesforce.Inbound;
using Hub.Connectors.Salesforce.Sync;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Erasure;

namespace Hub.Connectors.Salesforce;

/// <summary>One Salesforce org per instance: contacts, leads, cases and tasks in; the master record out as Contacts and Tasks.</summary>
internal sealed class SalesforceConnector(
    InboundReceiver receiver, ContactWriter contacts, ContactBatchWriter batches, TaskWriter tasks, ContactEraser eraser, ConnectionTester tester)
    : IConnector, IInboundWebhookHandler, IBatchSyncTarget, ITouchpointSyncTarget, IErasureTarget, IConnectionTester
{
    public const string Kind = "salesforce";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "Salesforce",
        "Outbound Messages and Change Data Capture in; customers written back as Contacts, other channels' touchpoints as Tasks.",
        SalesforceOptions.Descriptors);

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => SalesforceOptions.Problems(settings);

    public ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(receiver.Receive(request, instance));

    /// <summary>Without a ClientId the instance only receives: it gets no customer changes and has no sync status.</summary>
    public bool TakesChanges(ConnectorInstance instance) => SalesforceOptions.From(instance.Settings).Credentials is not null;

    /// <summary>Inbound only, the org still holds the customer: its erasure is listed, refused with what to do by hand.</summary>
    public bool TakesErasures(ConnectorInstance instance) => true;

    public ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken) =>
        contacts.PushAsync(change, instance, cancellationToken);

    public ValueTask<IReadOnlyList<SyncResult>> PushBatchAsync(IReadOnlyList<CustomerUpdated> changes, ConnectorInstance instance, CancellationToken cancellationToken) =>
        batches.PushBatchAsync(changes, instance, cancellationToken);

    public ValueTask<SyncResult> PushTouchpointAsync(CustomerTouchpoint touchpoint, ConnectorInstance instance, CancellationToken cancellationToken) =>
        tasks.PushTouchpointAsync(touchpoint, instance, cancellationToken);

    public ValueTask<ErasureResult> EraseAsync(CustomerErasure erasure, ConnectorInstance instance, CancellationToken cancellationToken) =>
        eraser.EraseAsync(erasure, instance, cancellationToken);

    public ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken) =>
        tester.TestAsync(instance, cancellationToken);
}
