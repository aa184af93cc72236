using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Hub.Integration.Tests.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Integration.Tests.Sync;

/// <summary>
/// What a sync target is asked to take of the changes queued for it, and how its checkpoints are recorded when the
/// target's touchpoint consumer records the same customer at the same moment.
/// </summary>
public sealed class SyncCheckpointsTests : IDisposable
{
    private static readonly ConnectorInstance Salesforce = new("sf1", "salesforce", new ConnectorSettings([]));
    private static readonly Guid CustomerId = Guid.CreateVersion7();
    private readonly ScratchDatabases _databases = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _databases.Dispose();
    }

    [Fact]
    public async Task A_newest_change_the_target_caused_carries_the_older_changes_from_elsewhere_unattributed()
    {
        await using var db = await NewDatabaseAsync("sqlite");
        // v2: consent stated through the API; v3: the contact id Salesforce reported, echoed back through sf1.
        var plan = await Checkpoints(db).PlanAsync(Salesforce, [
            Change(2, "api:tests", "consent.email.marketing"),
            Change(3, "sf1", "identifiers"),
        ], CancellationToken.None);

        var push = Assert.Single(plan.ToPush);
        Assert.Equal(3, push.Version);
        Assert.Null(push.SourceConnectorInstanceId);
        Assert.Equal(["consent.email.marketing", "identifiers"], push.ChangedFields);
        Assert.Empty(plan.OwnChanges);
    }

    [Fact]
    public async Task Changes_that_share_a_source_keep_it_and_changes_all_from_the_target_are_not_pushed()
    {
        await using var db = await NewDatabaseAsync("sqlite");
        var otherCustomer = Guid.CreateVersion7();

        var plan = await Checkpoints(db).PlanAsync(Salesforce, [
            Change(2, "crm1", "name"),
            Change(3, "crm1", "phone"),
            Change(4, "sf1", "name") with { CustomerId = otherCustomer },
        ], CancellationToken.None);

        var push = Assert.Single(plan.ToPush);
        Assert.Equal((3L, "crm1"), (push.Version, push.SourceConnectorInstanceId));
        Assert.Equal(["name", "phone"], push.ChangedFields);
        Assert.Equal(otherCustomer, Assert.Single(plan.OwnChanges).CustomerId);
    }

    [Theory]
    [MemberData(nameof(ScratchDatabases.Providers), MemberType = typeof(ScratchDatabases))]
    public async Task A_checkpoint_the_touchpoint_consumer_inserted_between_the_read_and_the_save_is_updated_not_inserted_twice(string provider)
    {
        var meanwhile = new CheckpointInsertedBeforeFirstSave();
        await using var db = await NewDatabaseAsync(provider, meanwhile);
        meanwhile.ConnectionString = db.Database.GetConnectionString()!;
        meanwhile.Provider = provider;

        await Checkpoints(db).RecordAsync(Salesforce.Id, [new SyncDelivery(CustomerId, 4, null)], CancellationToken.None);

        Assert.True(meanwhile.Fired);
        await using var read = ScratchDatabases.Open(provider, meanwhile.ConnectionString);
        var row = Assert.Single(await read.SyncCheckpoints.AsNoTracking().ToListAsync());
        Assert.Equal((4L, "0035g00000Hb000AAB"), (row.DeliveredVersion, row.ExternalRecordId));
    }

    private static CustomerUpdated Change(long version, string source, string field) => SyncParts.Change(CustomerId, version, source, field);

    private SyncCheckpoints Checkpoints(HubDbContext db) => SyncParts.Checkpoints(db, _services);

    private async Task<HubDbContext> NewDatabaseAsync(string provider, params IInterceptor[] interceptors)
    {
        var db = ScratchDatabases.Open(provider, await _databases.NewAsync(provider, "sync-checkpoints"), interceptors);
        await db.Database.MigrateAsync();
        return db;
    }

    /// <summary>Just before the first save, another context inserts the customer's checkpoint with the record id, as the touchpoint consumer does.</summary>
    private sealed class CheckpointInsertedBeforeFirstSave : SaveChangesInterceptor
    {
        public string ConnectionString { get; set; } = "";

        public string Provider { get; set; } = "";

        public bool Fired { get; private set; }

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (!Fired)
            {
                Fired = true;
                await using var other = ScratchDatabases.Open(Provider, ConnectionString);
                other.SyncCheckpoints.Add(new SyncCheckpointRow
                {
                    ConnectorInstanceId = Salesforce.Id,
                    CustomerId = CustomerId,
                    ExternalRecordId = "0035g00000Hb000AAB",
                    UpdatedAt = DateTimeOffset.UtcNow,
                });
                await other.SaveChangesAsync(cancellationToken);
            }
            return result;
        }
    }
}
