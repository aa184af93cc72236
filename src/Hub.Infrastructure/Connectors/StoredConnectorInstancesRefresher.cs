using Hub.Infrastructure.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Connectors;

/// <summary>
/// Loads the stored connector instances before the hub takes requests, then re-reads them every
/// <see cref="Interval"/>, so an instance added or disabled through another hub process takes effect here too.
/// </summary>
internal sealed partial class StoredConnectorInstancesRefresher(
    StoredConnectorInstances stored, TimeProvider time, ILogger<StoredConnectorInstancesRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly OutageLog _outage = new(logger, "Re-reading the stored connector instances", time);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await stored.ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await stored.ReloadAsync(stoppingToken);
                    _outage.Succeeded();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _outage.Failed(e, LogReloadFailed);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not re-read the stored connector instances; the last list stays in use")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
