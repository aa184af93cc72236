using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Erasure;
using Hub.Server.RemoteConnectors.Sync;

namespace Hub.Server.RemoteConnectors;

/// <summary>
/// A connector that runs as its own process, in any language: the gateway forwards its webhooks to it, it hands
/// touchpoints back through the connector API, and it receives customer changes and erasures as signed Standard Webhooks messages.
/// </summary>
internal sealed class RemoteConnector(RemoteSyncSender sender, IHttpClientFactory httpClients) : IConnector, IMergeSyncTarget, IErasureTarget, IConnectionTester
{
    public const string Kind = "remote";

    public ConnectorDescriptor Descriptor { get; } = new(
        Kind,
        "Remote connector (any language)",
        "A connector process behind the hub's gateway: webhooks forwarded to its replicas, touchpoints back through the connector API, customer changes out as Standard Webhooks.",
        RemoteOptions.Descriptors);

    public IReadOnlyList<string> Validate(ConnectorSettings settings) => RemoteOptions.Problems(settings);

    public ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken) =>
        sender.PushAsync(change, instance, cancellationToken);

    public ValueTask<SyncResult> MergeAsync(CustomerMerge merge, ConnectorInstance instance, CancellationToken cancellationToken) =>
        sender.MergeAsync(merge, instance, cancellationToken);

    public ValueTask<ErasureResult> EraseAsync(CustomerErasure erasure, ConnectorInstance instance, CancellationToken cancellationToken) =>
        sender.EraseAsync(erasure, instance, cancellationToken);

    public async ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = RemoteOptions.From(instance.Settings);
        var answers = new List<string>();
        var healthy = 0;
        foreach (var address in options.Addresses)
        {
            try
            {
                using var response = await httpClients.CreateClient(HubHttpClients.OutboundSelfPaced)
                    .GetAsync(RemoteOptions.OnReplica(address, options.HealthPath), cancellationToken);
                healthy += response.IsSuccessStatusCode ? 1 : 0;
                answers.Add($"{address} answered {(int)response.StatusCode}");
            }
            catch (HttpRequestException e)
            {
                answers.Add($"{address} could not be reached: {e.Message}");
            }
        }
        return new(healthy > 0 ? ConnectionTestOutcome.Ok : ConnectionTestOutcome.Unreachable, string.Join("; ", answers));
    }
}
