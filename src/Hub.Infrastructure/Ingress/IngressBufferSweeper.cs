using System.Threading.Channels;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Ingress;

/// <summary>
/// Embedded mode: deletes the buffer rows of applied touchpoints, behind the resolution loop instead of inside it, so
/// the next resolution group does not wait for this delete and its own commit on the buffer's file. A row that stays
/// (this failed, the process stopped first) is harmless: the pump publishes it again after
/// <see cref="IngressBufferPump.RedeliveryDelay"/>, resolution finds the touchpoint applied, and the row goes then. While the
/// buffer's file refuses the deletes, the first failure is logged in full and the next ones summarised (<see cref="OutageLog"/>).
/// </summary>
internal sealed partial class IngressBufferSweeper(IServiceScopeFactory scopes, IngressBacklog backlog, TimeProvider time, ILogger<IngressBufferSweeper> logger)
    : BackgroundService
{
    private const int MaxPerDelete = 1_000;

    private readonly Channel<Guid> _applied = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly OutageLog _outage = new(logger, "Clearing applied touchpoints from the ingress buffer", time);

    /// <summary>The touchpoints' resolution committed: their buffer rows can go.</summary>
    public void Applied(IEnumerable<Guid> touchpointIds)
    {
        foreach (var id in touchpointIds)
        {
            _applied.Writer.TryWrite(id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ids = new List<Guid>(MaxPerDelete);
        while (await _applied.Reader.WaitToReadAsync(stoppingToken))
        {
            ids.Clear();
            while (ids.Count < MaxPerDelete && _applied.Reader.TryRead(out var id))
            {
                ids.Add(id);
            }
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var buffer = scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>();
                backlog.Applied(await buffer.IngressBuffer.Where(b => ids.Contains(b.TouchpointId)).ExecuteDeleteAsync(stoppingToken));
                _outage.Succeeded();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _outage.Failed(e, (log, exception) => LogNotCleared(log, ids.Count, exception));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} applied touchpoints stay in the ingress buffer for now; the buffer pump offers them again and they are removed then")]
    private static partial void LogNotCleared(ILogger logger, int count, Exception exception);
}
