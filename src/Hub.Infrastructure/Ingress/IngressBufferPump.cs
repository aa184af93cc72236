using System.Text.Json;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Ingress;

/// <summary>
/// Embedded mode: moves buffered touchpoints onto the in-memory bus as resolution makes room there. The ingress
/// publishes each one right after committing it while the bus has room (<see cref="BufferedTouchpointIngress"/>); one
/// that found no room waits here, due at once. A published row stays until the resolution commit that applied it
/// deletes it, so a row still here after <see cref="RedeliveryDelay"/> was lost on the way (a failure) or was applied by
/// a commit that could not delete it afterwards (resolution skips a touchpoint it has, and deletes the row then): it is
/// published again. The in-memory bus starts empty, so at start every row is due. Nothing answered is lost.
/// </summary>
internal sealed partial class IngressBufferPump(
    IServiceScopeFactory scopes,
    IBus bus,
    IngressBacklog backlog,
    TimeProvider time,
    ILogger<IngressBufferPump> logger) : BackgroundService
{
    public static readonly TimeSpan RedeliveryDelay = TimeSpan.FromSeconds(30);
    private const int BatchSize = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly OutageLog _outage = new(logger, "Ingress buffer pump", time);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Rows a previous run published went down with its bus: due now, in the order they came.
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>();
            var now = time.GetUtcNow();
            await db.IngressBuffer.Where(b => b.NextAttemptAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.NextAttemptAt, b => b.ReceivedAt < now ? b.ReceivedAt : now), cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var pumped = 0;
            try
            {
                pumped = await PumpOnceAsync(stoppingToken);
                _outage.Succeeded();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _outage.Failed(e, LogPumpFailed);
            }
            if (pumped == 0)
            {
                // Woken early when resolution makes room or the ingress leaves rows here.
                await backlog.WaitAsync(PollInterval, stoppingToken);
            }
        }
    }

    private async Task<int> PumpOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>();
        var now = time.GetUtcNow();
        backlog.Counted(
            await db.IngressBuffer.LongCountAsync(cancellationToken),
            await db.IngressBuffer.LongCountAsync(b => b.NextAttemptAt > now, cancellationToken));
        var room = (int)Math.Min(backlog.Room, BatchSize);
        if (room == 0)
        {
            return 0;
        }
        // In the order of the index, so that a backlog of tens of thousands is not sorted each round: a row left for the
        // pump is due from when it was buffered, a published one from its redelivery time.
        var due = await db.IngressBuffer.AsNoTracking().Where(b => b.NextAttemptAt <= now)
            .OrderBy(b => b.NextAttemptAt).Take(room).ToListAsync(cancellationToken);
        if (due.Count == 0 || !backlog.TryReserveDue(due.Count))
        {
            return 0;
        }
        var ids = due.Select(r => r.TouchpointId).ToList();
        var next = now + RedeliveryDelay;
        // A set-based update: the consumer may be deleting some of these rows right now.
        await db.IngressBuffer.Where(b => ids.Contains(b.TouchpointId))
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Attempts, b => b.Attempts + 1).SetProperty(b => b.NextAttemptAt, next), cancellationToken);
        var touchpoints = due.Select(r => JsonSerializer.Deserialize<TouchpointReceived>(r.Body, JsonSerializerOptions.Web)!).ToList();
        await bus.PublishBatch(TouchpointGroups.Of(touchpoints), cancellationToken);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress buffer pump failed; retrying")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);
}
