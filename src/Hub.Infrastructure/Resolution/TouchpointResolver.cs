using System.Text.Json;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Core.Identity.Resolution;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Erasure;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.RelationshipHealth;
using Hub.Infrastructure.Sync;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Applies touchpoints to the identity graph and the master records inside the caller's transaction.
/// The common case is incremental: exact matches, merges into the oldest customer. Where merge
/// protection refused something (now or before) arrival order could matter, so the identity component
/// is replayed in canonical order instead (<see cref="ComponentReplayer"/>): the outcome then depends only
/// on the set of touchpoints, never on their order or on how many processes applied them.
/// A replay recomputes its whole component from the stored links, so the batch replays once, at its end, every
/// component that needs it; touchpoints that touch a component waiting for that replay wait with it.
/// </summary>
internal sealed class TouchpointResolver(
    HubDbContext db, IdentityRules rules, SurvivorshipRules survivorship, TimeProvider time, RelationshipHealthOptions? healthOptions = null)
{
    private readonly RelationshipHealthOptions _healthOptions = healthOptions ?? RelationshipHealthOptions.Default;

    public async Task<ResolutionChanges> ResolveAsync(IReadOnlyList<TouchpointReceived> batch, CancellationToken cancellationToken)
    {
        var changes = new ResolutionChanges();
        var now = time.GetUtcNow();
        var ids = batch.Select(t => t.TouchpointId).Distinct().ToList();
        var known = (await db.Timeline.WhereKeyIn(t => t.TouchpointId, ids).Select(t => t.TouchpointId).ToListAsync(cancellationToken)).ToHashSet();
        var fresh = batch.Where(t => known.Add(t.TouchpointId))
            .Select(WithoutBlockedIdentities)
            .OrderBy(t => t.OccurredAt.UtcTicks).ThenBy(t => t.TouchpointId).ToList();
        fresh = await ErasedPeople.WithoutErasedAsync(db, fresh, cancellationToken);

        var workingSet = new CustomerWorkingSet(db);
        var fields = new CustomerFieldsCalculator(db, survivorship, changes);
        var replayer = new ComponentReplayer(db, rules, fields, changes, now, _healthOptions);
        var health = new HealthLedger(db, _healthOptions);
        var repointing = new MergeRepointing();
        var replaySeeds = new HashSet<CustomerIdentifier>();
        var awaitingReplay = new HashSet<Guid>();
        await workingSet.LoadAsync(fresh.SelectMany(t => t.Identities), cancellationToken);
        await health.LoadAsync(workingSet.Customers.Keys, cancellationToken);
        foreach (var touchpoint in fresh)
        {
            var entry = TimelineEntry(touchpoint, now);
            db.Timeline.Add(entry);
            changes.Arrived(touchpoint.TouchpointId, touchpoint.ConnectorInstanceId);
            foreach (var identifier in touchpoint.Identities)
            {
                db.IdentityLinks.Add(new IdentityLinkRow { TouchpointId = touchpoint.TouchpointId, Type = identifier.Type, Value = identifier.Value, OccurredAt = touchpoint.OccurredAt });
            }
            if (touchpoint.Identities.Count == 0)
            {
                continue;
            }
            var touched = touchpoint.Identities.Select(workingSet.OwnerOf).OfType<CustomerRow>().Distinct().ToList();
            if (touchpoint.Identities.Any(replaySeeds.Contains) || touched.Any(c => awaitingReplay.Contains(c.Id)))
            {
                WaitForReplay(touchpoint, touched);
                continue;
            }
            var created = ExternalIdentifierLinks.CreatedRecordOf(touchpoint.Type, touchpoint.Details);
            var state = new IdentityState(rules, [], touched.SelectMany(c => c.Identifiers)
                .Where(r => r.CreatedForCustomerId is not null).Select(r => new CustomerIdentifier(r.Type, r.Value)));
            foreach (var customer in touched)
            {
                state.Add(new IdentityCluster(customer.Id, customer.CreatedAt.UtcTicks,
                    customer.Identifiers.Select(r => new CustomerIdentifier(r.Type, r.Value))) { Tainted = customer.Tainted });
            }
            var link = new IdentityLink(touchpoint.TouchpointId, touchpoint.OccurredAt, touchpoint.Identities)
            {
                MayMerge = MayMerge(touchpoint.Type),
                CreatedRecord = created?.Record,
            };
            var outcome = state.Apply(link, () => new IdentityCluster(Guid.CreateVersion7(now), long.MaxValue));
            if (outcome.Conflicts.Count > 0 || touched.Any(c => c.Tainted) || touchpoint.Identities.Any(workingSet.IsContested))
            {
                WaitForReplay(touchpoint, touched);
                continue;
            }
            var landing = outcome.Created ? workingSet.Create(outcome.Landing.Key, now) : workingSet.Customers[outcome.Landing.Key];
            if (outcome.Created)
            {
                changes.For(landing.Id).Created = true;
                health.Created(landing.Id);
            }
            foreach (var merged in outcome.Merged)
            {
                var absorbed = workingSet.Customers[merged.Key];
                Merge(landing, absorbed, touchpoint.TouchpointId, fields, changes, repointing, now);
                await health.MergeAsync(landing.Id, absorbed.Id, cancellationToken);
                foreach (var identifier in landing.Identifiers)
                {
                    workingSet.Own(new CustomerIdentifier(identifier.Type, identifier.Value), landing);
                }
                workingSet.Customers.Remove(absorbed.Id);
            }
            foreach (var identifier in outcome.Added)
            {
                landing.Identifiers.Add(new CustomerIdentifierRow
                {
                    Type = identifier.Type,
                    Value = identifier.Value,
                    CustomerId = landing.Id,
                    LinkedByTouchpointId = touchpoint.TouchpointId,
                    LinkedAt = now,
                    CreatedForCustomerId = created?.Record == identifier ? created.Value.CreatedFor : null,
                });
                workingSet.Own(identifier, landing);
                changes.Touch(landing.Id, "identifiers", touchpoint.ConnectorInstanceId, touchpoint.TouchpointId);
            }
            // The record may have reached the customer first through the target's own event about it.
            if (created is { } record && landing.Identifiers.FirstOrDefault(r => r.Type == record.Record.Type && r.Value == record.Record.Value) is { CreatedForCustomerId: null } held)
            {
                held.CreatedForCustomerId = record.CreatedFor;
            }
            foreach (var (name, value) in touchpoint.ProfileFacts)
            {
                fields.Observe(landing, name, value, touchpoint.ConnectorInstanceId, 1, touchpoint.OccurredAt, touchpoint.TouchpointId);
            }
            changes.For(landing.Id).Sources.Add(touchpoint.ConnectorInstanceId);
            changes.For(landing.Id).LastTouchpointId = touchpoint.TouchpointId;
            entry.CustomerId = landing.Id;
            landing.Stamp = Guid.NewGuid();
            await health.ApplyAsync(landing.Id, touchpoint, cancellationToken);
        }
        health.Flush();
        await repointing.ApplyAsync(db, cancellationToken);
        if (replaySeeds.Count > 0)
        {
            await replayer.ReplayAsync(replaySeeds, cancellationToken);
        }
        await TimelineWithdrawals.ApplyAsync(db, fresh, cancellationToken);
        return changes;

        void WaitForReplay(TouchpointReceived touchpoint, List<CustomerRow> touched)
        {
            replaySeeds.UnionWith(touchpoint.Identities);
            awaitingReplay.UnionWith(touched.Select(c => c.Id));
        }
    }

    private void Merge(
        CustomerRow survivor, CustomerRow merged, Guid touchpointId, CustomerFieldsCalculator fields, ResolutionChanges changes, MergeRepointing repointing, DateTimeOffset now)
    {
        db.CustomerMerges.Add(new CustomerMergeRow
        {
            Kind = "merge",
            SurvivorId = survivor.Id,
            MergedId = merged.Id,
            TouchpointId = touchpointId,
            MergedIdentifiers = JsonSerializer.Serialize(merged.Identifiers.Select(i => new CustomerIdentifier(i.Type, i.Value)), JsonSerializerOptions.Web),
            At = now,
        });
        foreach (var identifier in merged.Identifiers.ToList())
        {
            identifier.CustomerId = survivor.Id;
            merged.Identifiers.Remove(identifier);
            survivor.Identifiers.Add(identifier);
        }
        fields.Absorb(survivor, merged, touchpointId);
        foreach (var entry in db.ChangeTracker.AsTracked<TimelineEntryRow>().Where(e => e.Entity.CustomerId == merged.Id))
        {
            entry.Entity.CustomerId = survivor.Id;
        }
        foreach (var entry in db.ChangeTracker.AsTracked<CustomerRow>().Where(e => e.Entity.MergedIntoId == merged.Id))
        {
            entry.Entity.MergedIntoId = survivor.Id;
        }
        repointing.Merged(merged.Id, survivor.Id);
        merged.MergedIntoId = survivor.Id;
        merged.Stamp = Guid.NewGuid();
        survivor.Tainted |= merged.Tainted;
        changes.Merges.Add((survivor.Id, merged.Id, touchpointId));
        changes.Touch(survivor.Id, "identifiers", null, touchpointId);
    }

    /// <summary>A sync target's link (<see cref="ExternalIdentifierLinks"/>) names a record that may already be another customer's.</summary>
    public static bool MayMerge(string touchpointType) => touchpointType != ExternalIdentifierLinks.LinkedType;

    private TouchpointReceived WithoutBlockedIdentities(TouchpointReceived touchpoint)
    {
        var blocked = touchpoint.Identities.Select(i => (Identifier: i, Reason: rules.BlockReason(i))).Where(b => b.Reason is not null).ToList();
        return blocked.Count == 0 ? touchpoint : touchpoint with
        {
            Identities = [.. touchpoint.Identities.Except(blocked.Select(b => b.Identifier))],
            RejectedIdentities = [.. touchpoint.RejectedIdentities, .. blocked.Select(b => new RejectedIdentifier(b.Identifier, b.Reason!))],
        };
    }

    private static TimelineEntryRow TimelineEntry(TouchpointReceived touchpoint, DateTimeOffset now) => new()
    {
        TouchpointId = touchpoint.TouchpointId,
        ConnectorInstanceId = touchpoint.ConnectorInstanceId,
        SourceEventId = touchpoint.SourceEventId,
        Channel = touchpoint.Channel,
        Type = touchpoint.Type,
        Direction = touchpoint.Direction.ToString().ToLowerInvariant(),
        OccurredAt = touchpoint.OccurredAt,
        ReceivedAt = touchpoint.ReceivedAt,
        RecordedAt = now,
        Summary = touchpoint.Summary,
        ContentReference = touchpoint.ContentReference,
        Body = JsonSerializer.Serialize(touchpoint, JsonSerializerOptions.Web),
        WithdrawsTouchpointId = touchpoint.WithdrawsTouchpointId,
    };
}
