using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Erasure;

/// <summary>
/// Keeps an erased person erased: a touchpoint that happened before an erasure and names one of the erased
/// identifiers is dropped before resolution, and so is any touchpoint that was on the erased timeline (a re-sent old
/// webhook, a replayed failed message: same source event, same touchpoint id), whatever time it claims. So is any
/// touchpoint that names an erased record id (<c>salesforce:contact</c>, any <c>system:type</c>), whenever it happened:
/// a record id names the one record the erasure covered, so an event about it after the erasure is that record
/// restored (a Contact undeleted from Salesforce's Recycle Bin) or kept, not the person coming back, who gets a new
/// record. Any other touchpoint that happened after the erasure is the person coming back (signing up again) and is
/// resolved as usual.
/// </summary>
internal static class ErasedPeople
{
    public static async Task<List<TouchpointReceived>> WithoutErasedAsync(HubDbContext db, List<TouchpointReceived> touchpoints, CancellationToken cancellationToken)
    {
        var hashes = touchpoints.SelectMany(t => t.Identities).Select(TombstoneHash.Of)
            .Concat(touchpoints.Select(t => TombstoneHash.Of(t.TouchpointId))).Distinct().ToList();
        if (hashes.Count == 0)
        {
            return touchpoints;
        }
        var erased = await db.ErasureTombstones.AsNoTracking().WhereKeyIn(t => t.Hash, hashes)
            .ToDictionaryAsync(t => t.Hash, t => t.ErasedAt, cancellationToken);
        return erased.Count == 0
            ? touchpoints
            : touchpoints.Where(t => !erased.ContainsKey(TombstoneHash.Of(t.TouchpointId))
                && !t.Identities.Any(i => erased.TryGetValue(TombstoneHash.Of(i), out var at) && (t.OccurredAt <= at || IsRecordId(i)))).ToList();
    }

    private static bool IsRecordId(CustomerIdentifier identifier) => identifier.Type.Contains(':', StringComparison.Ordinal);
}
