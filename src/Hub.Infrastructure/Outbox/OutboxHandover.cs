using System.Collections.Concurrent;
using Hub.Infrastructure.Persistence;

namespace Hub.Infrastructure.Outbox;

/// <summary>
/// Outbox rows handed from the transaction that wrote them to this process's relay, right after the commit. The rows are
/// written already claimed (<see cref="NewClaim"/>), so no relay's search takes them meanwhile, and the relay publishes
/// them from the messages still in memory and marks them sent: no query to find them, claim them or read them back.
/// Should the process die first, the claim lapses after <see cref="OutboxOptions.ClaimDuration"/> and any relay's
/// search publishes them, as it does for a relay that died with rows it had claimed.
/// </summary>
public sealed class OutboxHandover(OutboxSignal signal, OutboxOptions options, TimeProvider time)
{
    private readonly ConcurrentQueue<HandedOver> _queue = new();
    private volatile bool _open;

    /// <summary>A claim for the rows a transaction is about to write; null while no relay runs in this process to take them.</summary>
    public OutboxClaim? NewClaim() => _open ? new OutboxClaim(Guid.NewGuid(), time.GetUtcNow() + options.ClaimDuration) : null;

    /// <summary>Gives the relay the rows written under <paramref name="claim"/>, once their transaction committed.</summary>
    internal void HandOver(OutboxClaim claim, IReadOnlyList<OutboxMessageRow> rows, IReadOnlyList<long> ids)
    {
        if (rows.Count == 0)
        {
            return;
        }
        _queue.Enqueue(new HandedOver(claim, rows, ids));
        signal.Notify();
    }

    internal bool IsEmpty => _queue.IsEmpty;

    /// <summary>Everything handed over so far, in the order it came.</summary>
    internal List<HandedOver> TakeAll()
    {
        var batches = new List<HandedOver>();
        while (_queue.TryDequeue(out var batch))
        {
            batches.Add(batch);
        }
        return batches;
    }

    internal void Open() => _open = true;

    internal void Close() => _open = false;
}

/// <summary>Rows written under this claim are the writing process's until <paramref name="Until"/>.</summary>
public sealed record OutboxClaim(Guid Token, DateTimeOffset Until);

/// <summary>A transaction's outbox rows, written under <paramref name="Claim"/>; <paramref name="Ids"/> are theirs, not necessarily in the order of <paramref name="Rows"/>.</summary>
internal sealed record HandedOver(OutboxClaim Claim, IReadOnlyList<OutboxMessageRow> Rows, IReadOnlyList<long> Ids);
