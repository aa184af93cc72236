using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Hub.Server.RemoteConnectors.Gateway;

/// <summary>
/// The gateway's active health policy for remote connector replicas: a replica is taken out after
/// <see cref="FailuresToTakeOut"/> failed probes in a row (no answer, or an answer that is not 2xx) and comes back
/// with its first good one. It logs each change once, with the reason in one line, in place of YARP's warning with a
/// stack trace on every failed probe (that category is filtered to errors in <see cref="RemoteConnectorsExtensions"/>).
/// </summary>
internal sealed partial class ReplicaProbePolicy(IDestinationHealthUpdater healthUpdater, ILogger<ReplicaProbePolicy> logger) : IActiveHealthCheckPolicy
{
    public const string PolicyName = "HubReplicaProbes";

    /// <summary>YARP's own probe log, one warning with a stack trace per failed probe.</summary>
    public const string ProbeLogCategory = "Yarp.ReverseProxy.Health.ActiveHealthCheckMonitor";

    public const int FailuresToTakeOut = 2;

    private readonly ConditionalWeakTable<DestinationState, StrongBox<int>> _failuresInARow = new();

    public string Name => PolicyName;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        if (probingResults.Count == 0)
        {
            return;
        }
        var newHealth = new List<NewActiveDestinationHealth>(probingResults.Count);
        foreach (var result in probingResults)
        {
            var destination = result.Destination;
            var failures = _failuresInARow.GetOrCreateValue(destination);
            var failed = result.Response is not { IsSuccessStatusCode: true };
            var inARow = failed ? Interlocked.Increment(ref failures.Value) : Interlocked.Exchange(ref failures.Value, 0) * 0;
            var health = inARow >= FailuresToTakeOut ? DestinationHealth.Unhealthy : DestinationHealth.Healthy;
            var before = destination.Health.Active;
            if (health == DestinationHealth.Unhealthy && before != DestinationHealth.Unhealthy)
            {
                LogTakenOut(logger, InstanceId(cluster), destination.DestinationId, destination.Model.Config.Address, inARow, Reason(result));
            }
            else if (health == DestinationHealth.Healthy && before == DestinationHealth.Unhealthy)
            {
                LogBackIn(logger, InstanceId(cluster), destination.DestinationId, destination.Model.Config.Address);
            }
            newHealth.Add(new NewActiveDestinationHealth(destination, health));
        }
        healthUpdater.SetActive(cluster, newHealth);
    }

    private static string InstanceId(ClusterState cluster) =>
        cluster.ClusterId.StartsWith(RemoteGatewayConfig.ClusterId(""), StringComparison.Ordinal)
            ? cluster.ClusterId[RemoteGatewayConfig.ClusterId("").Length..]
            : cluster.ClusterId;

    private static string Reason(DestinationProbingResult result) => result switch
    {
        { Response: { } response } => $"its health path answered {(int)response.StatusCode}",
        { Exception: OperationCanceledException } => "its health path did not answer in time",
        { Exception: { } e } => $"{e.GetType().Name}: {(e.InnerException ?? e).Message}",
        _ => "no answer",
    };

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Remote connector '{InstanceId}': {Replica} ({Address}) is taken out of the rotation after {Failures} failed health probes in a row: {Reason}")]
    private static partial void LogTakenOut(ILogger logger, string instanceId, string replica, string address, int failures, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Remote connector '{InstanceId}': {Replica} ({Address}) answers its health probe again and is back in the rotation")]
    private static partial void LogBackIn(ILogger logger, string instanceId, string replica, string address);
}
