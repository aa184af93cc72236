using System.Text.Json;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Core.Identity.Resolution;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.RelationshipHealth;
using Hub.Infrastructure.Sync;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Recomputes one identity component (every identifier reachable through touchpoint links) by replaying
/// its links in canonical order, then writes the result back: identifiers, timeline membership, merged
/// and restored customers, fields, conflicts. Customer ids are kept: each resulting customer takes the
/// oldest existing id that held any of its identifiers, including merged ids (so a split restores them).
/// </summary>
internal sealed class ComponentReplayer(
    HubDbContext db, IdentityRules rules, CustomerFieldsCalculator fields, ResolutionChanges changes, DateTimeOffset now,
    RelationshipHealthOptions? health = null)
{
    private const int MaxComponentLinks = 200_000;

    public async Task<IReadOnlyList<Guid>> ReplayAsync(IEnumerable<CustomerIdentifier> seed, CancellationToken cancellationToken)
    {
        // The replay starts from what is stored. The group's rows so far (hundreds of timeline entries and links) are
        // written the way its commit writes them: EF's SaveChanges plans one statement per row.
        await ResolutionRows.SaveChangesAsync(db, cancellationToken);
        db.ChangeTracker.Clear();
        var (identifiers, links) = await ComponentAsync(seed, cancellationToken);
        changes.ReplayedLinks.Add(links.Count);
        var separations = await SeparationsAsync(identifiers, cancellationToken);
        var touchpointIds = links.Select(l => l.TouchpointId).ToList();
        var timeline = await db.Timeline.Where(t => touchpointIds.Contains(t.TouchpointId))
            .Select(t => new { t.TouchpointId, t.CustomerId, t.Type, Body = t.Type == ExternalIdentifierLinks.LinkedType ? t.Body : null })
            .ToListAsync(cancellationToken);
        var onTimelineOf = timeline.ToDictionary(t => t.TouchpointId, t => t.CustomerId);
        var mayNotMerge = timeline.Where(t => !TouchpointResolver.MayMerge(t.Type)).Select(t => t.TouchpointId).ToHashSet();
        var createdBy = timeline.Where(t => t.Body is not null)
            .Select(t => (t.TouchpointId, Created: ExternalIdentifierLinks.CreatedRecordOf(t.Type, DetailsOf(t.Body!))))
            .Where(t => t.Created is not null).ToDictionary(t => t.TouchpointId, t => t.Created!.Value);
        links = [.. links.Select(l => l with
        {
            MayMerge = l.MayMerge && !mayNotMerge.Contains(l.TouchpointId),
            CreatedRecord = createdBy.TryGetValue(l.TouchpointId, out var created) ? created.Record : null,
        })];
        var createdFor = createdBy.Values.GroupBy(c => c.Record).ToDictionary(g => g.Key, g => g.Min(c => c.CreatedFor));
        var result = IdentityReplay.Run(links, rules, separations);

        var values = identifiers.Select(i => i.Value).Distinct().ToList();
        var identifierRows = (await db.CustomerIdentifiers.Where(i => values.Contains(i.Value)).ToListAsync(cancellationToken))
            .Where(r => identifiers.Contains(new CustomerIdentifier(r.Type, r.Value))).ToList();
        var activeIds = identifierRows.Select(r => r.CustomerId).Distinct().ToList();
        activeIds.AddRange(onTimelineOf.Values.OfType<Guid>().Distinct());
        var customers = await db.Customers.Include(c => c.Identifiers).Include(c => c.Fields).AsSplitQuery()
            .Where(c => activeIds.Contains(c.Id) || (c.MergedIntoId != null && activeIds.Contains(c.MergedIntoId.Value)))
            .ToListAsync(cancellationToken);
        var formerIdentifiers = await FormerIdentifiersAsync(customers, cancellationToken);
        var heldBefore = customers.Where(c => c.MergedIntoId is null)
            .ToDictionary(c => c.Id, c => c.Identifiers.Select(i => new CustomerIdentifier(i.Type, i.Value)).ToList());

        var owner = Map(result, customers, formerIdentifiers);
        await ApplyAsync(result, owner, customers, identifierRows, onTimelineOf, createdFor, cancellationToken);
        await RecomputeFieldsAsync(result, owner, touchpointIds, cancellationToken);
        Attribute(links, owner, heldBefore);
        if ((health ?? RelationshipHealthOptions.Default).Enabled)
        {
            await ResolutionRows.SaveChangesAsync(db, cancellationToken);
            await HealthRebuild.RunAsync(db, [.. owner.Values.Select(c => c.Id).Distinct()],
                [.. customers.Where(c => c.MergedIntoId is not null).Select(c => c.Id)], cancellationToken);
        }
        await ResolutionRows.SaveChangesAsync(db, cancellationToken);
        db.ChangeTracker.Clear();
        return [.. owner.Values.Select(c => c.Id).Distinct()];
    }

    private static IReadOnlyDictionary<string, string> DetailsOf(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<TouchpointReceived>(body, JsonSerializerOptions.Web)?.Details ?? new Dictionary<string, string>();
        }
        catch (JsonException)
        {
            return new Dictionary<string, string>();
        }
    }

    private async Task<(HashSet<CustomerIdentifier>, List<IdentityLink>)> ComponentAsync(IEnumerable<CustomerIdentifier> seed, CancellationToken cancellationToken)
    {
        var identifiers = seed.ToHashSet();
        var frontier = identifiers.ToList();
        var rows = new Dictionary<(Guid, string, string), IdentityLinkRow>();
        while (frontier.Count > 0 && rows.Count < MaxComponentLinks)
        {
            var values = frontier.Select(i => i.Value).Distinct().ToList();
            var wanted = frontier.ToHashSet();
            var touchpoints = (await db.IdentityLinks.AsNoTracking().Where(l => values.Contains(l.Value)).ToListAsync(cancellationToken))
                .Where(l => wanted.Contains(new CustomerIdentifier(l.Type, l.Value)))
                .Select(l => l.TouchpointId).Distinct().ToList();
            var linked = await db.IdentityLinks.AsNoTracking().Where(l => touchpoints.Contains(l.TouchpointId)).ToListAsync(cancellationToken);
            frontier = [];
            foreach (var row in linked)
            {
                rows[(row.TouchpointId, row.Type, row.Value)] = row;
                if (identifiers.Add(new CustomerIdentifier(row.Type, row.Value)))
                {
                    frontier.Add(new CustomerIdentifier(row.Type, row.Value));
                }
            }
        }
        var links = rows.Values.GroupBy(r => r.TouchpointId)
            .Select(g => new IdentityLink(g.Key, g.First().OccurredAt, [.. g.Select(r => new CustomerIdentifier(r.Type, r.Value))]))
            .ToList();
        return (identifiers, links);
    }

    private async Task<List<Separation>> SeparationsAsync(HashSet<CustomerIdentifier> identifiers, CancellationToken cancellationToken)
    {
        var values = identifiers.Select(i => i.Value).Distinct().ToList();
        var ids = (await db.SeparationMembers.AsNoTracking().Where(s => values.Contains(s.Value)).ToListAsync(cancellationToken))
            .Where(s => identifiers.Contains(new CustomerIdentifier(s.Type, s.Value))).Select(s => s.SeparationId).Distinct().ToList();
        var members = await db.SeparationMembers.AsNoTracking().Where(s => ids.Contains(s.SeparationId)).ToListAsync(cancellationToken);
        return [.. members.GroupBy(m => m.SeparationId).Select(g => new Separation(
            g.Where(m => m.Side == "A").Select(m => new CustomerIdentifier(m.Type, m.Value)).ToHashSet(),
            g.Where(m => m.Side == "B").Select(m => new CustomerIdentifier(m.Type, m.Value)).ToHashSet()))];
    }

    /// <summary>The identifiers each merged customer held when it was merged: a split gives its id back to them.</summary>
    private async Task<Dictionary<Guid, HashSet<CustomerIdentifier>>> FormerIdentifiersAsync(List<CustomerRow> customers, CancellationToken cancellationToken)
    {
        var mergedIds = customers.Where(c => c.MergedIntoId != null).Select(c => c.Id).ToList();
        var merges = await db.CustomerMerges.AsNoTracking().Where(m => m.Kind == "merge" && mergedIds.Contains(m.MergedId))
            .OrderBy(m => m.Id).ToListAsync(cancellationToken);
        return merges.GroupBy(m => m.MergedId).ToDictionary(
            g => g.Key,
            g => JsonSerializer.Deserialize<List<CustomerIdentifier>>(g.Last().MergedIdentifiers, JsonSerializerOptions.Web)!.ToHashSet());
    }

    private Dictionary<IdentityCluster, CustomerRow> Map(ReplayResult result, List<CustomerRow> customers, Dictionary<Guid, HashSet<CustomerIdentifier>> former)
    {
        var holders = new Dictionary<CustomerIdentifier, List<CustomerRow>>();
        foreach (var customer in customers)
        {
            var held = customer.MergedIntoId is null
                ? customer.Identifiers.Select(i => new CustomerIdentifier(i.Type, i.Value))
                : former.GetValueOrDefault(customer.Id) ?? [];
            foreach (var identifier in held)
            {
                if (!holders.TryGetValue(identifier, out var list))
                {
                    holders[identifier] = list = [];
                }
                list.Add(customer);
            }
        }
        var owner = new Dictionary<IdentityCluster, CustomerRow>();
        var taken = new HashSet<Guid>();
        foreach (var cluster in result.Clusters)
        {
            var customer = cluster.Identifiers.SelectMany(i => holders.GetValueOrDefault(i) ?? []).Distinct()
                .Where(c => !taken.Contains(c.Id))
                .OrderBy(c => c.MergedIntoId is null ? 0 : 1).ThenBy(c => c.CreatedAt).ThenBy(c => c.Id).FirstOrDefault();
            if (customer is null)
            {
                customer = new CustomerRow { Id = Guid.CreateVersion7(now), CreatedAt = now, UpdatedAt = now, Stamp = Guid.NewGuid() };
                db.Customers.Add(customer);
                customers.Add(customer);
                changes.For(customer.Id).Created = true;
            }
            else if (customer.MergedIntoId is not null)
            {
                changes.Touch(customer.Id, "restored", null, null);
            }
            taken.Add(customer.Id);
            owner[cluster] = customer;
        }
        return owner;
    }

    private async Task ApplyAsync(
        ReplayResult result, Dictionary<IdentityCluster, CustomerRow> owner, List<CustomerRow> customers, List<CustomerIdentifierRow> identifierRows,
        Dictionary<Guid, Guid?> onTimelineOf, Dictionary<CustomerIdentifier, Guid> createdFor, CancellationToken cancellationToken)
    {
        var desired = result.Clusters.SelectMany(c => c.Identifiers.Select(i => (Identifier: i, Customer: owner[c]))).ToDictionary(x => x.Identifier, x => x.Customer);
        var existing = identifierRows.ToDictionary(r => new CustomerIdentifier(r.Type, r.Value));
        foreach (var (identifier, row) in existing)
        {
            if (!desired.TryGetValue(identifier, out var customer))
            {
                db.CustomerIdentifiers.Remove(row);
                changes.Touch(row.CustomerId, "identifiers", null, null);
            }
            else
            {
                row.CreatedForCustomerId = createdFor.TryGetValue(identifier, out var createdForCustomer) ? createdForCustomer : null;
                if (row.CustomerId != customer.Id)
                {
                    changes.Touch(row.CustomerId, "identifiers", null, null);
                    row.CustomerId = customer.Id;
                    changes.Touch(customer.Id, "identifiers", null, null);
                }
            }
        }
        foreach (var (identifier, customer) in desired.Where(d => !existing.ContainsKey(d.Key)))
        {
            db.CustomerIdentifiers.Add(new CustomerIdentifierRow
            {
                Type = identifier.Type,
                Value = identifier.Value,
                CustomerId = customer.Id,
                LinkedAt = now,
                CreatedForCustomerId = createdFor.TryGetValue(identifier, out var createdForCustomer) ? createdForCustomer : null,
            });
            changes.Touch(customer.Id, "identifiers", null, null);
        }
        // Only the touchpoints that move: a replay usually leaves most of its component where it was.
        foreach (var group in result.Landing.Where(l => onTimelineOf.GetValueOrDefault(l.Key) != owner[l.Value].Id).GroupBy(l => owner[l.Value].Id))
        {
            var ids = group.Select(l => l.Key).ToList();
            await db.Timeline.Where(t => ids.Contains(t.TouchpointId))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.CustomerId, group.Key), cancellationToken);
        }
        var kept = owner.Values.Select(c => c.Id).ToHashSet();
        foreach (var (cluster, customer) in owner)
        {
            customer.MergedIntoId = null;
            customer.Tainted = cluster.Tainted;
            customer.Stamp = Guid.NewGuid();
        }
        var clusterOf = result.Clusters.SelectMany(c => c.Identifiers.Select(i => (i, c))).ToDictionary(x => x.i, x => x.c);
        foreach (var customer in customers.Where(c => c.MergedIntoId is null && !kept.Contains(c.Id)))
        {
            var heldBefore = customer.Identifiers.Select(i => new CustomerIdentifier(i.Type, i.Value)).ToHashSet();
            var survivor = heldBefore.Select(i => clusterOf.GetValueOrDefault(i)).OfType<IdentityCluster>()
                .GroupBy(c => c).OrderByDescending(g => g.Count()).Select(g => owner[g.Key]).FirstOrDefault()
                ?? owner.Values.OrderBy(c => c.CreatedAt).First();
            db.CustomerMerges.Add(new CustomerMergeRow
            {
                Kind = "merge",
                SurvivorId = survivor.Id,
                MergedId = customer.Id,
                MergedIdentifiers = JsonSerializer.Serialize(heldBefore, JsonSerializerOptions.Web),
                At = now,
            });
            customer.MergedIntoId = survivor.Id;
            customer.Stamp = Guid.NewGuid();
            changes.Merges.Add((survivor.Id, customer.Id, null));
        }
        var involved = customers.Select(c => c.Id).ToList();
        await db.IdentityConflicts.Where(c => involved.Contains(c.CustomerId) || (c.OtherCustomerId != null && involved.Contains(c.OtherCustomerId.Value)))
            .ExecuteDeleteAsync(cancellationToken);
        foreach (var (touchpointId, conflict) in result.Conflicts)
        {
            db.IdentityConflicts.Add(new IdentityConflictRow
            {
                CustomerId = owner[conflict.Landing].Id,
                OtherCustomerId = conflict.Other is null ? null : owner[conflict.Other].Id,
                IdentifierType = conflict.Identifier?.Type,
                IdentifierValue = conflict.Identifier?.Value,
                TouchpointId = touchpointId,
                Reason = conflict.Reason,
                CreatedAt = now,
            });
        }
    }

    /// <summary>Each change the replay made is the doing of the new touchpoints linked to the customer, before or after.</summary>
    private void Attribute(List<IdentityLink> links, Dictionary<IdentityCluster, CustomerRow> owner, Dictionary<Guid, List<CustomerIdentifier>> heldBefore)
    {
        var sources = new ReplaySources(links, changes.NewTouchpointSources);
        foreach (var (cluster, customer) in owner)
        {
            changes.Attribute(customer.Id, sources.Of(cluster.Identifiers));
        }
        foreach (var (customerId, held) in heldBefore)
        {
            changes.Attribute(customerId, sources.Of(held));
        }
    }

    /// <summary>Fields are derived from the touchpoints themselves, so they follow identifiers wherever the replay put them.</summary>
    private async Task RecomputeFieldsAsync(ReplayResult result, Dictionary<IdentityCluster, CustomerRow> owner, List<Guid> touchpointIds, CancellationToken cancellationToken)
    {
        var bodies = await db.Timeline.AsNoTracking().Where(t => touchpointIds.Contains(t.TouchpointId))
            .Select(t => new { t.TouchpointId, t.Body }).ToListAsync(cancellationToken);
        var touchpoints = bodies.ToDictionary(b => b.TouchpointId, b => JsonSerializer.Deserialize<TouchpointReceived>(b.Body, JsonSerializerOptions.Web)!);
        var landed = result.Landing.GroupBy(l => owner[l.Value]).ToDictionary(g => g.Key, g => g.Select(l => l.Key).ToList());
        foreach (var customer in owner.Values.Distinct())
        {
            var before = customer.Fields.ToDictionary(f => f.Name, f => f.Value);
            fields.Reset(customer);
            // An admin's merge is a link with no touchpoint behind it (CustomerMerger): it joins identifiers, it observes nothing.
            foreach (var touchpoint in (landed.GetValueOrDefault(customer) ?? []).Where(touchpoints.ContainsKey).Select(id => touchpoints[id]))
            {
                foreach (var (name, value) in touchpoint.ProfileFacts)
                {
                    fields.Observe(customer, name, value, touchpoint.ConnectorInstanceId, 1, touchpoint.OccurredAt, null, record: false);
                }
            }
            foreach (var name in before.Keys.Union(customer.Fields.Select(f => f.Name))
                .Where(n => customer.Fields.Find(f => f.Name == n)?.Value != before.GetValueOrDefault(n)))
            {
                changes.Touch(customer.Id, name, null, null);
            }
        }
    }
}
