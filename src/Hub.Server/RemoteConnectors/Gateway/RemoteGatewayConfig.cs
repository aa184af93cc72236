using Hub.Infrastructure.Connectors;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Hub.Server.RemoteConnectors.Gateway;

/// <summary>
/// The gateway's routes and clusters, built from the <c>remote</c> connector instances: each instance's
/// <c>/webhooks/{instanceId}</c> (and anything below it) goes to its replicas, round robin among the healthy ones.
/// A replica is probed every <c>HealthIntervalSeconds</c> and taken out after two failed probes in a row (active),
/// or when too many forwarded requests fail to reach it (passive); it comes back when it answers again.
/// <see cref="Reload"/> rebuilds everything from the instance list as it is then; it runs whenever the list changes
/// (an instance added, edited or disabled in the admin UI).
/// </summary>
internal sealed class RemoteGatewayConfig : IProxyConfigProvider, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ConnectorInstances _instances;
    private readonly IDisposable _instancesWatch;
    private Snapshot? _current;

    public RemoteGatewayConfig(ConnectorInstances instances)
    {
        _instances = instances;
        _instancesWatch = ChangeToken.OnChange(instances.GetChangeToken, Reload);
    }

    public void Dispose() => _instancesWatch.Dispose();

    /// <summary>The gateway's cluster of a remote instance's replicas.</summary>
    public static string ClusterId(string instanceId) => "remote-" + instanceId;

    /// <summary>The gateway's name of the replica at <paramref name="index"/> in the instance's <c>Addresses</c>.</summary>
    public static string DestinationId(int index) => $"replica-{index}";

    public IProxyConfig GetConfig()
    {
        lock (_lock)
        {
            return _current ??= Build();
        }
    }

    /// <summary>Rebuilds routes and clusters from the current connector instances and tells the gateway.</summary>
    public void Reload()
    {
        Snapshot? previous;
        lock (_lock)
        {
            previous = _current;
            _current = Build();
        }
        previous?.SignalChange();
    }

    private Snapshot Build()
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var instance in _instances.All.Where(i => string.Equals(i.Kind, RemoteConnector.Kind, StringComparison.OrdinalIgnoreCase)))
        {
            var options = RemoteOptions.From(instance.Settings);
            var clusterId = ClusterId(instance.Id);
            routes.Add(new RouteConfig
            {
                RouteId = clusterId,
                ClusterId = clusterId,
                // Before the in-process ingress route (/webhooks/{connectorInstanceId}), which would answer 404 for this kind.
                Order = -1,
                Match = new RouteMatch { Path = $"/webhooks/{instance.Id}/{{**rest}}" },
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = clusterId,
                LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                Destinations = options.Addresses
                    .Select((address, i) => (Key: DestinationId(i), Value: new DestinationConfig { Address = address.ToString() }))
                    .ToDictionary(d => d.Key, d => d.Value),
                HealthCheck = new HealthCheckConfig
                {
                    AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = TimeSpan.FromSeconds(options.HealthIntervalSeconds),
                        Timeout = TimeSpan.FromSeconds(Math.Min(options.HealthIntervalSeconds, 5)),
                        Policy = ReplicaProbePolicy.PolicyName,
                        Path = options.HealthPath,
                    },
                    Passive = new PassiveHealthCheckConfig
                    {
                        Enabled = true,
                        Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                        ReactivationPeriod = TimeSpan.FromSeconds(options.HealthIntervalSeconds * 2),
                    },
                },
            });
        }
        return new Snapshot(routes, clusters);
    }

    private sealed class Snapshot(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        private readonly CancellationTokenSource _changed = new();

        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

        public void SignalChange() => _changed.Cancel();
    }
}
