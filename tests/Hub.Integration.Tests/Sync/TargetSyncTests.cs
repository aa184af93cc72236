using System.Collections.Concurrent;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Hub.Integration.Tests.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hub.Integration.Tests.Sync;

/// <summary>
/// Two hub processes consume one target's queue: on PostgreSQL their batches for that target take turns, so a customer's
/// older version never lands after a newer one (each "process" here is its own context on its own connection).
/// </summary>
public sealed class TargetSyncTests : IAsyncLifetime
{
    private static readonly ConnectorInstance Crm = new("crm2", "webhooks", new ConnectorSettings([]));
    private static readonly ConnectorInstance OtherCrm = new("crm3", "webhooks", new ConnectorSettings([]));
    private static readonly Guid CustomerId = Guid.CreateVersion7();
    private readonly ScratchDatabases _databases = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await _databases.NewAsync("postgresql", "target-sync");
        await using var db = Open();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        _services.Dispose();
        _databases.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task While_one_process_pushes_the_newer_version_the_other_waits_and_then_skips_its_older_one()
    {
        var target = new StallingTarget();
        await using var first = Open();
        await using var second = Open();

        var newer = Sync(first).PushAsync(Crm, target, [Change(5)], CancellationToken.None);
        await target.FirstCall.WaitAsync(TimeSpan.FromSeconds(30));
        var older = Sync(second).PushAsync(Crm, target, [Change(3)], CancellationToken.None);
        await Task.WhenAny(older, Task.Delay(TimeSpan.FromMilliseconds(500)));

        Assert.False(older.IsCompleted, "The second process's batch should wait while the first pushes to the same target.");
        Assert.Equal([5L], target.Versions);
        target.Release();
        await Task.WhenAll(newer, older).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([5L], target.Versions);
        Assert.Equal(5, await DeliveredVersionAsync(Crm));
    }

    [Fact]
    public async Task While_one_process_pushes_the_older_version_the_newer_one_follows_it()
    {
        var target = new StallingTarget();
        await using var first = Open();
        await using var second = Open();

        var older = Sync(first).PushAsync(Crm, target, [Change(3)], CancellationToken.None);
        await target.FirstCall.WaitAsync(TimeSpan.FromSeconds(30));
        var newer = Sync(second).PushAsync(Crm, target, [Change(5)], CancellationToken.None);
        await Task.WhenAny(newer, Task.Delay(TimeSpan.FromMilliseconds(500)));

        Assert.Equal([3L], target.Versions);
        target.Release();
        await Task.WhenAll(older, newer).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([3L, 5L], target.Versions);
        Assert.Equal(5, await DeliveredVersionAsync(Crm));
    }

    [Fact]
    public async Task Another_targets_batch_does_not_wait()
    {
        var stalled = new StallingTarget();
        var other = new StallingTarget();
        other.Release();
        await using var first = Open();
        await using var second = Open();

        var held = Sync(first).PushAsync(Crm, stalled, [Change(3)], CancellationToken.None);
        await stalled.FirstCall.WaitAsync(TimeSpan.FromSeconds(30));
        await Sync(second).PushAsync(OtherCrm, other, [Change(3)], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([3L], other.Versions);
        stalled.Release();
        await held.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_process_that_dies_holding_a_targets_turn_gives_it_up_with_its_session()
    {
        var target = new StallingTarget();
        target.Release();
        // A session of its own (no pool to keep it alive), holding the target's lock as a process mid-batch would.
        await using (var dying = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString))
        {
            await dying.OpenAsync();
            await using var take = new NpgsqlCommand($"SELECT pg_advisory_lock({TargetPushLock.KeyOf(Crm.Id)})", dying);
            await take.ExecuteNonQueryAsync();
            await using var db = Open();
            var waiting = Sync(db).PushAsync(Crm, target, [Change(3)], CancellationToken.None);
            await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(500)));
            Assert.False(waiting.IsCompleted, "The batch should wait while another session holds the target's turn.");
            await dying.CloseAsync();
            await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal([3L], target.Versions);
    }

    private HubDbContext Open() => ScratchDatabases.Open("postgresql", _connectionString);

    private async Task<long> DeliveredVersionAsync(ConnectorInstance instance)
    {
        await using var db = Open();
        return await db.SyncCheckpoints.Where(c => c.ConnectorInstanceId == instance.Id && c.CustomerId == CustomerId)
            .Select(c => c.DeliveredVersion).SingleAsync();
    }

    private TargetSync Sync(HubDbContext db) =>
        new(SyncParts.Checkpoints(db, _services), new TargetPushLock(db, new LocalTargetTurns()), SyncParts.Metrics(_services), new SyncOptions(), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TargetSync>.Instance);

    private static CustomerUpdated Change(long version) => SyncParts.Change(CustomerId, version, "crm1", "name");

    /// <summary>A target whose pushes wait until released; it records the versions it was given, in order.</summary>
    private sealed class StallingTarget : ISyncTarget
    {
        private readonly TaskCompletionSource _firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<long> _versions = new();

        public Task FirstCall => _firstCall.Task;

        public IReadOnlyList<long> Versions => [.. _versions];

        public void Release() => _released.TrySetResult();

        public async ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken)
        {
            _versions.Enqueue(change.Version);
            _firstCall.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            return SyncResult.Success(detail: "taken");
        }
    }
}
