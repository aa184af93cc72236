using System.Text.Json;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Ingress;

/// <summary>
/// Embedded mode: publishes buffered touchpoints again when they were not applied in time. The ingress
/// publishes each one right after committing it (<see cref="BufferedTouchpointIngress"/>); a row stays
/// until the resolution commit that applied it deletes it, so a row still here after <see cref="RedeliveryDelay"/>
/// was lost on the way (a failure, or a crash of the previous run: everything found at start is published at once),
/// or was applied by a commit that could not delete it afterwards (resolution skips a touchpoint it has, and deletes
/// the row then). Nothing answered is lost.
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The in-memory bus starts empty: whatever the buffer holds at start belongs to the previous run.
        var dueAtStart = time.GetUtcNow() + RedeliveryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var pumped = 0;
            try
            {
                pumped = await PumpOnceAsync(dueAtStart, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPumpFailed(logger, e);
            }
            if (pumped < BatchSize)
            {
                dueAtStart = DateTimeOffset.MinValue;
                await Task.Delay(PollInterval, time, stoppingToken);
            }
        }
    }

    private async Task<int> PumpOnceAsync(DateTimeOffset dueAtStart, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>();
        backlog.Counted(await db.IngressBuffer.LongCountAsync(cancellationToken));
        var now = time.GetUtcNow();
        var dueBy = dueAtStart > now ? dueAtStart : now;
        var due = await db.IngressBuffer.AsNoTracking().Where(b => b.NextAttemptAt <= dueBy)
            .OrderBy(b => b.ReceivedAt).Take(BatchSize).ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }
        var ids = due.Select(r => r.TouchpointId).ToList();
        var next = now + RedeliveryDelay;
        // A set-based update: the consumer may be deleting some of these rows right now.
        await db.IngressBuffer.Where(b => ids.Contains(b.TouchpointId))
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Attempts, b => b.Attempts + 1).SetProperty(b => b.NextAttemptAt, next), cancellationToken);
        var touchpoints = due.Select(r => JsonSerializer.Deserialize<TouchpointReceived>(r.Body, JsonSerializerOptions.Web)!).ToList();
        await bus.PublishBatch(touchpoints, cancellationToken);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress buffer pump failed; retrying")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);
}
