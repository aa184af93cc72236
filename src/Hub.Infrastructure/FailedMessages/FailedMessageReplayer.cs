using System.Globalization;
using System.Text.Json;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.FailedMessages;

/// <summary>
/// Sends a failed message again to the queue it failed on, or discards it. The message is sent before the row is
/// marked replayed: a crash in between leaves it <c>failed</c> and replayable, and a second copy is harmless
/// because every consumer is idempotent; the other order could mark as replayed a message that never left. Each replay
/// or discard done is in the audit log with its actor (an admin, or the API key's name), whichever way it came.
/// </summary>
public sealed class FailedMessageReplayer(HubDbContext db, IngressBufferDbContext ingressBuffer, IBus bus, IngressOptions options, TimeProvider time, AuditLog audit)
{
    /// <summary>The header a replayed message carries: the id of its <c>failed_messages</c> row.</summary>
    public const string ReplayHeader = "Hub-Replay-Of";

    private const int ReplayAllPage = 100;

    public async Task<FailedMessageChange> ReplayAsync(long id, string actor, CancellationToken cancellationToken)
    {
        var change = await ReplayUnauditedAsync(id, cancellationToken);
        if (change.Done)
        {
            await AuditAsync(actor, AuditActions.FailedMessageReplayed, id.ToString(CultureInfo.InvariantCulture), change.Row!.Queue, cancellationToken);
        }
        return change;
    }

    private async Task<FailedMessageChange> ReplayUnauditedAsync(long id, CancellationToken cancellationToken)
    {
        var row = await db.FailedMessages.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (row is null || row.Status != FailedMessageStatus.Failed)
        {
            return new FailedMessageChange(false, row);
        }
        await SendAsync(row, cancellationToken);
        var now = time.GetUtcNow();
        // Only the failure that was sent is marked: if the copy already failed again, the row stays failed.
        var marked = await db.FailedMessages
            .Where(f => f.Id == id && f.Status == FailedMessageStatus.Failed && f.LastFailedAt == row.LastFailedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FailedMessageStatus.Replayed).SetProperty(f => f.ReplayedAt, now), cancellationToken);
        var current = await db.FailedMessages.AsNoTracking().FirstAsync(f => f.Id == id, cancellationToken);
        return new FailedMessageChange(marked == 1 || current.Status == FailedMessageStatus.Failed, current);
    }

    /// <summary>Replays every failed message, oldest first; returns how many were sent.</summary>
    public async Task<int> ReplayAllAsync(string actor, CancellationToken cancellationToken)
    {
        var replayed = await ReplayAllUnauditedAsync(cancellationToken);
        await AuditAsync(actor, AuditActions.FailedMessageReplayed, "all", $"{replayed} messages", cancellationToken);
        return replayed;
    }

    private async Task<int> ReplayAllUnauditedAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        var after = 0L;
        while (true)
        {
            var ids = await db.FailedMessages.AsNoTracking().Where(f => f.Status == FailedMessageStatus.Failed && f.Id > after)
                .OrderBy(f => f.Id).Select(f => f.Id).Take(ReplayAllPage).ToListAsync(cancellationToken);
            foreach (var id in ids)
            {
                replayed += (await ReplayUnauditedAsync(id, cancellationToken)).Done ? 1 : 0;
            }
            if (ids.Count < ReplayAllPage)
            {
                return replayed;
            }
            after = ids[^1];
        }
    }

    public async Task<FailedMessageChange> DiscardAsync(long id, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var marked = await db.FailedMessages.Where(f => f.Id == id && f.Status == FailedMessageStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FailedMessageStatus.Discarded).SetProperty(f => f.DiscardedAt, now), cancellationToken);
        var row = await db.FailedMessages.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (marked == 1)
        {
            await AuditAsync(actor, AuditActions.FailedMessageDiscarded, id.ToString(CultureInfo.InvariantCulture), row!.Queue, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        if (marked == 1 && row!.MessageType is nameof(TouchpointReceived) or nameof(TouchpointGroup))
        {
            // Embedded mode: the ingress buffer would offer the touchpoints again every 30 s, failing them back to 'failed'.
            List<Guid> touchpointIds = row.MessageType == nameof(TouchpointGroup)
                ? [.. JsonSerializer.Deserialize<TouchpointGroup>(row.Body, JsonSerializerOptions.Web)!.Touchpoints.Select(t => t.TouchpointId)]
                : [JsonSerializer.Deserialize<TouchpointReceived>(row.Body, JsonSerializerOptions.Web)!.TouchpointId];
            await ingressBuffer.IngressBuffer.Where(b => touchpointIds.Contains(b.TouchpointId)).ExecuteDeleteAsync(cancellationToken);
        }
        return new FailedMessageChange(marked == 1, row);
    }

    private async Task AuditAsync(string actor, string action, string subject, string detail, CancellationToken cancellationToken)
    {
        audit.Add(db, actor, action, subject, detail);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SendAsync(FailedMessageRow row, CancellationToken cancellationToken)
    {
        var type = FailedMessageTypes.Find(row.MessageType)
            ?? throw new InvalidOperationException($"Failed message {row.Id} has unknown message type '{row.MessageType}'.");
        var message = JsonSerializer.Deserialize(row.Body, type, JsonSerializerOptions.Web)!;
        var headers = JsonSerializer.Deserialize<Dictionary<string, string?>>(row.Headers, JsonSerializerOptions.Web) ?? [];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.BrokerTimeout);
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{row.Queue}"));
            await endpoint.Send(message, type, Pipe.Execute<SendContext>(context =>
            {
                context.MessageId = row.MessageId ?? context.MessageId;
                // MassTransit's own headers (MT-*) describe the first delivery; the message's own headers travel again.
                foreach (var (name, value) in headers.Where(h => !h.Key.StartsWith("MT-", StringComparison.OrdinalIgnoreCase)))
                {
                    context.Headers.Set(name, value);
                }
                context.Headers.Set(ReplayHeader, row.Id);
            }), timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or MassTransitException or IOException or RabbitMQ.Client.Exceptions.BrokerUnreachableException
            && !cancellationToken.IsCancellationRequested)
        {
            throw new ReplayUnavailableException("The message broker did not take the replayed message.", e);
        }
    }
}

/// <summary>Whether a replay or discard was done, and the row as it is now (null when there is no such row).</summary>
public sealed record FailedMessageChange(bool Done, FailedMessageRow? Row);
