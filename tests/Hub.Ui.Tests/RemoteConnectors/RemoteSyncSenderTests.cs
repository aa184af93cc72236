using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Erasure;
using Hub.Contracts.Identity;
using Hub.Server.RemoteConnectors.Gateway;
using Hub.Server.RemoteConnectors.Sync;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Hub.Ui.Tests.RemoteConnectors;

/// <summary>Which replica of a remote connector a customer change is offered to first, and what its answers to an erasure mean.</summary>
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

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.NoContent)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Gone)]
    public async Task An_erasure_the_replica_takes_or_has_nothing_for_is_done(HttpStatusCode answer)
    {
        var replicas = new AnsweringReplicas(_ => new HttpResponseMessage(answer));
        var sender = new RemoteSyncSender(replicas, TimeProvider.System, Services(new Gateway()));

        var result = await sender.EraseAsync(Erasure(), Instance("desk", 5001), CancellationToken.None);

        Assert.True(result.Done, result.Detail);
        Assert.Contains($"answered {(int)answer}", result.Detail, StringComparison.Ordinal);
        var request = Assert.Single(replicas.Requests);
        Assert.Equal("msg_erasure_0b1d2e3f4a5b4c559a663f2b8c1e8d3a", Assert.Single(request.Headers.GetValues("webhook-id")));
        Assert.Contains("\"type\":\"customer.erased\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_erasure_a_replica_refuses_with_a_4xx_is_refused_with_its_answer_quoted()
    {
        var replicas = new AnsweringReplicas(_ => new HttpResponseMessage(HttpStatusCode.UnprocessableEntity) { Content = new StringContent("legal\nhold") });
        var sender = new RemoteSyncSender(replicas, TimeProvider.System, Services(new Gateway()));

        var result = await sender.EraseAsync(Erasure(), Instance("desk", 5001, 5002), CancellationToken.None);

        Assert.False(result.Done);
        Assert.EndsWith("refused the erasure with 422: \"legal hold\"", result.Detail, StringComparison.Ordinal);
        Assert.Single(replicas.Requests);
    }

    [Fact]
    public async Task An_erasure_no_replica_takes_is_thrown_for_the_dispatcher_to_retry_after_every_replica_was_tried()
    {
        var replicas = new AnsweringReplicas(_ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var sender = new RemoteSyncSender(replicas, TimeProvider.System, Services(new Gateway()));

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => sender.EraseAsync(Erasure(), Instance("desk", 5001, 5002), CancellationToken.None).AsTask());

        Assert.Contains("No replica of the remote connector took the erasure", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(2, replicas.Requests.Count);
    }

    [Fact]
    public async Task An_erasure_to_an_address_the_outbound_guard_refuses_is_thrown_with_the_guards_reason()
    {
        var replicas = new AnsweringReplicas(_ => throw new HttpRequestException("refused", new OutboundAddressRefusedException("10.0.0.5 is not in Hub:Outbound:AllowedNetworks")));
        var sender = new RemoteSyncSender(replicas, TimeProvider.System, Services(new Gateway()));

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => sender.EraseAsync(Erasure(), Instance("desk", 5001, 5002), CancellationToken.None).AsTask());

        // The erasure dispatcher fails the erasure with this reason instead of retrying (ErasureDispatcher).
        Assert.Contains("Hub:Outbound:AllowedNetworks", OutboundAddressRefusedException.Behind(thrown)?.Message, StringComparison.Ordinal);
        Assert.Single(replicas.Requests);
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

    private static CustomerErasure Erasure() => new()
    {
        ErasureRequestId = Guid.Parse("0b1d2e3f-4a5b-4c55-9a66-3f2b8c1e8d3a"),
        CustomerId = Guid.Parse("3f2b8c1e-8d3a-4c55-9a66-0b1d2e3f4a5b"),
        RequestedAt = Now,
    };

    /// <summary>Every replica answers as told; records each request with its body.</summary>
    private sealed class AnsweringReplicas(Func<HttpRequestMessage, HttpResponseMessage> answer) : DelegatingHandler, IHttpClientFactory
    {
        public List<(HttpRequestHeaders Headers, string Body)> Requests { get; } = [];

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.Headers, await request.Content!.ReadAsStringAsync(cancellationToken)));
            return answer(request);
        }
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
