using System.Diagnostics.CodeAnalysis;
using System.Net;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Server.RemoteConnectors.Gateway;
using Hub.Server.RemoteConnectors.Sync;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Hub.Ui.Tests.RemoteConnectors;

/// <summary>Which replica of a remote connector a customer change is offered to first.</summary>
public sealed class RemoteSyncSenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_instance_takes_its_replicas_in_turn_whatever_the_other_instances_do()
    {
        // The turn was one counter for all instances: with two instances of two replicas, each instance always began
        // at the same replica.
        var replicas = new RecordingReplicas();
        var sender = new RemoteSyncSender(replicas, TimeProvider.System, Services(new Gateway()));
        var desk = Instance("desk", 5001, 5002);
        var chat = Instance("chat", 5003, 5004);

        for (var version = 1; version <= 4; version++)
        {
            Assert.True((await sender.PushAsync(Change(version), desk, CancellationToken.None)).Delivered);
            Assert.True((await sender.PushAsync(Change(version), chat, CancellationToken.None)).Delivered);
        }

        Assert.Equal(2, replicas.Ports.Count(p => p == 5001));
        Assert.Equal(2, replicas.Ports.Count(p => p == 5002));
        Assert.Equal(2, replicas.Ports.Count(p => p == 5003));
        Assert.Equal(2, replicas.Ports.Count(p => p == 5004));
    }

    [Fact]
    public async Task A_replica_the_gateways_health_checks_took_out_is_offered_changes_last()
    {
        var replicas = new RecordingReplicas();
        var gateway = new Gateway();
        var cluster = new ClusterState(RemoteGatewayConfig.ClusterId("desk"));
        cluster.Destinations[RemoteGatewayConfig.DestinationId(0)] = new DestinationState(RemoteGatewayConfig.DestinationId(0))
        {
            Health = { Active = DestinationHealth.Unhealthy },
        };
        cluster.Destinations[RemoteGatewayConfig.DestinationId(1)] = new DestinationState(RemoteGatewayConfig.DestinationId(1));
        gateway.Clusters[cluster.ClusterId] = cluster;
        var sender = new RemoteSyncSender(replicas, TimeProvider.System, Services(gateway));

        for (var version = 1; version <= 4; version++)
        {
            Assert.True((await sender.PushAsync(Change(version), Instance("desk", 5001, 5002), CancellationToken.None)).Delivered);
        }

        Assert.Equal([5002, 5002, 5002, 5002], replicas.Ports);
    }

    private static ServiceProvider Services(IProxyStateLookup gateway) => new ServiceCollection().AddSingleton(gateway).BuildServiceProvider();

    private static ConnectorInstance Instance(string id, params int[] ports) => new(id, "remote", new ConnectorSettings(new Dictionary<string, string?>
    {
        ["Addresses"] = string.Join(' ', ports.Select(p => $"http://127.0.0.1:{p}")),
        ["Token"] = $"{id}-connector-token-0123456789abcdefghij",
        ["SigningSecret"] = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    }));

    private static CustomerUpdated Change(long version)
    {
        var id = Guid.Parse("3f2b8c1e-8d3a-4c55-9a66-0b1d2e3f4a5b");
        return new CustomerUpdated
        {
            CustomerId = id,
            Version = version,
            ChangedFields = ["name"],
            Customer = new CustomerSnapshot
            {
                Id = id,
                Version = version,
                Identifiers = [CustomerIdentifier.Email("ada@example.com")],
                Fields = new Dictionary<string, CustomerFieldValue> { ["name"] = new("Ada", "crm1", Now) },
                CreatedAt = Now,
                UpdatedAt = Now,
            },
            SourceConnectorInstanceId = "crm1",
            OccurredAt = Now,
        };
    }

    /// <summary>Every replica answers 204; records the port each change went to.</summary>
    private sealed class RecordingReplicas : DelegatingHandler, IHttpClientFactory
    {
        public List<int> Ports { get; } = [];

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Ports)
            {
                Ports.Add(request.RequestUri!.Port);
            }
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }

    private sealed class Gateway : IProxyStateLookup
    {
        public Dictionary<string, ClusterState> Clusters { get; } = [];

        public bool TryGetRoute(string id, [NotNullWhen(true)] out RouteModel? route)
        {
            route = null;
            return false;
        }

        public IEnumerable<RouteModel> GetRoutes() => [];

        public bool TryGetCluster(string id, [NotNullWhen(true)] out ClusterState? cluster) => Clusters.TryGetValue(id, out cluster);

        public IEnumerable<ClusterState> GetClusters() => Clusters.Values;
    }
}
