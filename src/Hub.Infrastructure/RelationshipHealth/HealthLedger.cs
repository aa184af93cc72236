using Hub.Contracts.Touchpoints;
using Hub.Core.RelationshipHealth;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.RelationshipHealth;

/// <summary>
/// The health of the customers one resolution batch touches, kept in memory for the batch and written to
/// <c>customer_health</c> in its transaction (<see cref="Flush"/>): each new touchpoint is applied to its customer's
/// state, a merge absorbs the merged customer's state. Rows are loaded a working set at a time; only a customer
/// without a row (resolved before this feature existed) is computed once from its own timeline entries.
/// </summary>
internal sealed class HealthLedger(HubDbContext db, RelationshipHealthOptions options)
{
    private readonly Dictionary<Guid, Entry> _entries = [];

    public async Task LoadAsync(IEnumerable<Guid> customerIds, CancellationToken cancellationToken)
    {
        var wanted = customerIds.Where(id => !_entries.ContainsKey(id)).Distinct().ToList();
        if (!options.Enabled || wanted.Count == 0)
        {
            return;
        }
        var rows = await db.CustomerHealth.WhereKeyIn(h => h.CustomerId, wanted).ToDictionaryAsync(h => h.CustomerId, cancellationToken);
        foreach (var (id, row) in rows)
        {
            _entries[id] = new Entry(row, HealthState.Decode(row.State));
        }
        var missing = wanted.Where(id => !rows.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var (id, state) in await HealthRebuild.FromTimelineAsync(db, missing, cancellationToken))
            {
                _entries[id] = new Entry(null, state) { Dirty = true };
            }
        }
    }

    /// <summary>A customer this batch created has no health yet: nothing to look up.</summary>
    public void Created(Guid customerId)
    {
        if (options.Enabled)
        {
            _entries.TryAdd(customerId, new Entry(null, new HealthState()));
        }
    }

    public async Task ApplyAsync(Guid customerId, TouchpointReceived touchpoint, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return;
        }
        var entry = await EntryAsync(customerId, cancellationToken);
        entry.State.Apply(HealthRecord.From(touchpoint));
        entry.Dirty = true;
    }

    public async Task MergeAsync(Guid survivorId, Guid mergedId, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return;
        }
        var survivor = await EntryAsync(survivorId, cancellationToken);
        var merged = await EntryAsync(mergedId, cancellationToken);
        survivor.State.Absorb(merged.State);
        survivor.Dirty = true;
        if (merged.Row is not null)
        {
            db.CustomerHealth.Remove(merged.Row);
        }
        _entries.Remove(mergedId);
    }

    /// <summary>Hands the changed states to the change tracker; the transaction's next save writes them.</summary>
    public void Flush()
    {
        foreach (var (customerId, entry) in _entries.Where(e => e.Value.Dirty))
        {
            if (entry.Row is null)
            {
                entry.Row = new CustomerHealthRow { CustomerId = customerId, State = [] };
                db.CustomerHealth.Add(entry.Row);
            }
            HealthRecord.Write(entry.Row, entry.State);
            entry.Dirty = false;
        }
    }

    private async Task<Entry> EntryAsync(Guid customerId, CancellationToken cancellationToken)
    {
        if (!_entries.TryGetValue(customerId, out var entry))
        {
            await LoadAsync([customerId], cancellationToken);
            entry = _entries[customerId];
        }
        return entry;
    }

    private sealed class Entry(CustomerHealthRow? row, HealthState state)
    {
        public CustomerHealthRow? Row { get; set; } = row;

        public HealthState State { get; } = state;

        public bool Dirty { get; set; }
    }
}
