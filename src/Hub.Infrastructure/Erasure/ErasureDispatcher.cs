using System.Text.Json;
using Hub.Contracts.Connectors;
using Hub.Contracts.Erasure;
using Hub.Contracts.Identity;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Hub.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Erasure;

/// <summary>
/// Takes each erasure to each connected system until it is done. A due row (<c>pending</c>, or <c>retrying</c>
/// whose wait is over) is claimed with a conditional update of its attempt count, so of several hub processes
/// one calls the system; a passing failure waits longer each time (<see cref="ErasureOptions"/>) and is tried again,
/// for as long as it takes; a refusal for good is <c>failed</c> with the system's reason, until the erasure is asked for
/// again (<see cref="CustomerEraser.RedispatchFailedAsync"/>).
/// </summary>
internal sealed partial class ErasureDispatcher(
    IServiceScopeFactory scopes, ConnectorInstances instances, ErasureSignal signal, ErasureOptions options, TimeProvider time,
    ILogger<ErasureDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 20;
    private readonly OutageLog _outage = new(logger, "The erasure dispatcher", time);

    /// <summary>Whether the instance is asked to erase customers: see <see cref="IErasureTarget.TakesErasures"/>.</summary>
    public static bool Erases(IConnector connector, ConnectorInstance instance) =>
        connector is IErasureTarget target && target.TakesErasures(instance);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchOnceAsync(stoppingToken);
                _outage.Succeeded();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _outage.Failed(e, LogDispatchFailed);
            }
            await signal.WaitAsync(options.PollInterval, stoppingToken);
        }
    }

    internal async Task DispatchOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var pushLock = scope.ServiceProvider.GetRequiredService<TargetPushLock>();
        var now = time.GetUtcNow();
        var due = await db.ErasureTargets.AsNoTracking()
            .Where(t => (t.Status == ErasureStatus.Pending || t.Status == ErasureStatus.Retrying) && t.NextAttemptAt <= now)
            .OrderBy(t => t.NextAttemptAt).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var target in due)
        {
            var claimed = await db.ErasureTargets
                .Where(t => t.RequestId == target.RequestId && t.ConnectorInstanceId == target.ConnectorInstanceId && t.Attempts == target.Attempts
                    && (t.Status == ErasureStatus.Pending || t.Status == ErasureStatus.Retrying))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, target.Attempts + 1).SetProperty(t => t.NextAttemptAt, now + options.AttemptTimeout), cancellationToken);
            if (claimed == 1)
            {
                await AttemptAsync(db, pushLock, target, cancellationToken);
            }
        }
    }

    private async Task AttemptAsync(HubDbContext db, TargetPushLock pushLock, ErasureTargetRow target, CancellationToken cancellationToken)
    {
        var request = await db.ErasureRequests.AsNoTracking().FirstAsync(r => r.Id == target.RequestId, cancellationToken);
        var mergedIds = await db.ErasureRequests.AsNoTracking().Where(r => r.SurvivorRequestId == request.Id).Select(r => r.CustomerId).Order().ToListAsync(cancellationToken);
        var survivorId = request.SurvivorRequestId is { } survivorRequestId
            ? await db.ErasureRequests.AsNoTracking().Where(r => r.Id == survivorRequestId).Select(r => (Guid?)r.CustomerId).FirstOrDefaultAsync(cancellationToken)
            : null;
        var attempts = target.Attempts + 1;
        string status;
        string? error = null;
        string? detail = null;
        if (!instances.TryGet(target.ConnectorInstanceId, out var instance, out var connector) || connector is not IErasureTarget eraser)
        {
            (status, error) = (ErasureStatus.Failed, $"'{target.ConnectorInstanceId}' is no longer a configured instance that erases customers.");
        }
        else
        {
            try
            {
                ErasureResult result;
                // Waits for a push to this target under way (checked before the erasure froze the customer's checkpoints),
                // so that push cannot land after the erasure; pushes that come later see the frozen checkpoints.
                await using (await pushLock.TakeAsync(instance.Id, cancellationToken))
                {
                    result = await eraser.EraseAsync(Erasure(request, target, mergedIds, survivorId), instance, cancellationToken);
                }
                (status, error, detail) = result.Done ? (ErasureStatus.Done, (string?)null, (string?)result.Detail) : (ErasureStatus.Failed, result.Detail, null);
            }
            catch (Exception e) when (OutboundAddressRefusedException.Behind(e) is { } refused)
            {
                // Configuration, not an outage: retrying cannot help (as for sync). Failed with the guard's reason, which
                // names Hub:Outbound:AllowedNetworks; once allowed, asking for the erasure again tries it again.
                (status, error) = (ErasureStatus.Failed, refused.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                (status, error) = (ErasureStatus.Retrying, e.Message);
                LogAttemptFailed(logger, target.ConnectorInstanceId, target.RequestId, attempts, e.Message);
            }
        }
        var now = time.GetUtcNow();
        var next = status == ErasureStatus.Retrying ? now + Backoff(attempts) : now;
        await db.ErasureTargets.Where(t => t.RequestId == target.RequestId && t.ConnectorInstanceId == target.ConnectorInstanceId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, status)
                .SetProperty(t => t.LastError, error)
                .SetProperty(t => t.Detail, detail)
                .SetProperty(t => t.NextAttemptAt, next)
                .SetProperty(t => t.UpdatedAt, now)
                .SetProperty(t => t.CompletedAt, status == ErasureStatus.Done ? now : null)
                // The identifiers the system knew the person by are personal data (a user id may be an address); once
                // the system is done they are needed no more. A failed system keeps them for the redispatch.
                .SetProperty(t => t.ExternalIdentifiers, t => status == ErasureStatus.Done ? "[]" : t.ExternalIdentifiers), cancellationToken);
        if (status == ErasureStatus.Done && !await db.ErasureTargets.AnyAsync(t => t.RequestId == target.RequestId && t.Status != ErasureStatus.Done, cancellationToken))
        {
            await db.ErasureRequests.Where(r => r.Id == target.RequestId && r.CompletedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CompletedAt, now), cancellationToken);
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var delay = options.RetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }

    private static CustomerErasure Erasure(ErasureRequestRow request, ErasureTargetRow target, List<Guid> mergedIds, Guid? survivorId) => new()
    {
        MergedCustomerIds = mergedIds,
        MergedIntoCustomerId = survivorId,
        ErasureRequestId = request.Id,
        CustomerId = request.CustomerId,
        ExternalRecordId = target.ExternalRecordId,
        ExternalIdentifiers = JsonSerializer.Deserialize<List<CustomerIdentifier>>(target.ExternalIdentifiers, JsonSerializerOptions.Web) ?? [],
        RequestedAt = request.RequestedAt,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "The erasure dispatcher failed; it tries again")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasing at {InstanceId} (request {RequestId}, attempt {Attempt}) failed; it will be tried again: {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, string instanceId, Guid requestId, int attempt, string reason);
}
