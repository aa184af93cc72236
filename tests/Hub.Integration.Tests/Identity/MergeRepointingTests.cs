using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Integration.Tests.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// A resolution group moves what pointed at the customers it merged (their stored timeline entries, and customers merged
/// into them before) to the final survivor in one statement per table for the whole group. Whether the merges come
/// one group after another or chain inside one group, every entry ends on the surviving customer and every merged
/// customer points straight at it, on both providers.
/// </summary>
public sealed class MergeRepointingTests : IDisposable
{
    private static readonly CustomerIdentifier Email = new(IdentifierTypes.Email, "ada@example.org");
    private static readonly CustomerIdentifier Phone = new(IdentifierTypes.Phone, "+14155550100");
    private static readonly CustomerIdentifier CrmUser = new(IdentifierTypes.ExternalRecord("crm1", "user"), "u-17");
    private readonly ScratchDatabases _databases = new();

    public static TheoryData<string> Providers => ScratchDatabases.Providers;

    public void Dispose() => _databases.Dispose();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merges_in_separate_groups_leave_every_entry_on_the_survivor_and_no_merge_chain(string provider)
    {
        var open = await _databases.NewMigratedAsync(provider, "repoint-groups");
        await ApplyAsync(open, Touchpoint("t1", 0, Email), Touchpoint("t2", 1, Phone), Touchpoint("t3", 2, CrmUser));
        Assert.Equal(3, await ActiveCustomersAsync(open));

        await ApplyAsync(open, Touchpoint("t4", 3, Phone, CrmUser));
        Assert.Equal(2, await ActiveCustomersAsync(open));
        await ApplyAsync(open, Touchpoint("t5", 4, Email, Phone));

        await AssertOneCustomerHoldsEverythingAsync(open, touchpoints: 5);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_merge_chain_inside_one_group_leaves_every_entry_on_the_survivor_and_no_merge_chain(string provider)
    {
        var open = await _databases.NewMigratedAsync(provider, "repoint-chain");
        await ApplyAsync(open, Touchpoint("t1", 0, Email), Touchpoint("t2", 1, Phone), Touchpoint("t3", 2, CrmUser));

        await ApplyAsync(open, Touchpoint("t4", 3, Phone, CrmUser), Touchpoint("t5", 4, Email, Phone), Touchpoint("t6", 5, Email));

        await AssertOneCustomerHoldsEverythingAsync(open, touchpoints: 6);
    }

    private static async Task AssertOneCustomerHoldsEverythingAsync(Func<HubDbContext> open, int touchpoints)
    {
        await using var db = open();
        var customers = await db.Customers.AsNoTracking().ToListAsync();
        var survivor = Assert.Single(customers, c => c.MergedIntoId is null);
        Assert.Equal(3, customers.Count);
        Assert.All(customers.Where(c => c.Id != survivor.Id), merged => Assert.Equal(survivor.Id, merged.MergedIntoId));
        var owners = await db.Timeline.AsNoTracking().Select(t => t.CustomerId).ToListAsync();
        Assert.Equal(touchpoints, owners.Count);
        Assert.All(owners, owner => Assert.Equal(survivor.Id, owner));
        Assert.Equal(3, await db.CustomerIdentifiers.CountAsync(i => i.CustomerId == survivor.Id));
    }

    private static async Task<int> ActiveCustomersAsync(Func<HubDbContext> open)
    {
        await using var db = open();
        return await db.Customers.CountAsync(c => c.MergedIntoId == null);
    }

    private static async Task ApplyAsync(Func<HubDbContext> open, params TouchpointReceived[] group)
    {
        await using var db = open();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var changes = await new TouchpointResolver(db, new IdentityRules(), new SurvivorshipRules(), TimeProvider.System).ResolveAsync(group, CancellationToken.None);
        await ResolutionEvents.WriteAsync(db, changes, DateTimeOffset.UtcNow, claim: null, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private static TouchpointReceived Touchpoint(string id, int minute, params CustomerIdentifier[] identities) =>
        CrmTouchpoints.Identified(id, minute, "Ada Lovelace", identities);
}
