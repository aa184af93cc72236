using System.Collections.Concurrent;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Core.Identity;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Outbound;
using Hub.Infrastructure.Sync;
using Hub.Infrastructure.Telemetry;
using Hub.Integration.Tests.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Integration.Tests.Sync;

/// <summary>
/// A target's queue on MassTransit's in-memory bus, configured as the hub configures it: groups of customer changes
/// published together reach the target as one batch, in order, so a target that takes many changes per call gets one
/// call, not one per group.
/// </summary>
public sealed class SyncBatchingTests : IAsyncLifetime
{
    private const string InstanceId = "bulk1";
    private readonly ScratchDatabases _databases = new();
    private readonly RecordingBatchTarget _target = new();
    private ServiceProvider _services = null!;
    private IBusControl _bus = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await _databases.NewAsync("sqlite", "sync-batching");
        await using (var db = ScratchDatabases.Open("sqlite", connectionString))
        {
            await db.Database.MigrateAsync();
        }
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{ConnectorInstances.Section}:{InstanceId}:Kind"] = RecordingBatchTarget.Kind })
            .Build();
        var identifiers = new IdentifierNormalizer("US");
        var services = new ServiceCollection().AddMetrics().AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(identifiers);
        services.AddSingleton(new TouchpointNormalizer(identifiers));
        services.AddSingleton<ITouchpointIngress, SyncParts.NoIngress>();
        services.AddSingleton<CircuitBreakerStates>();
        services.AddSingleton<HubMetrics>();
        services.AddSingleton(new SyncOptions());
        services.AddSingleton(new ConnectorInstances([_target], configuration));
        services.AddScoped(_ => ScratchDatabases.Open("sqlite", connectionString));
        services.AddMassTransit(x =>
        {
            x.AddSyncConsumers();
            x.UsingInMemory((context, cfg) =>
                cfg.ReceiveEndpoint(SyncEndpoints.For(InstanceId), e => SyncEndpoints.Configure(e, context, _target)));
        });
        _services = services.BuildServiceProvider();
        _bus = _services.GetRequiredService<IBusControl>();
        await _bus.StartAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await _bus.StopAsync(TimeSpan.FromSeconds(30));
        await _services.DisposeAsync();
        _databases.Dispose();
    }

    [Fact]
    public async Task Groups_published_together_reach_a_batch_target_in_one_call_in_order()
    {
        var groups = Enumerable.Range(0, 3)
            .Select(g => new CustomerUpdateGroup { Changes = [.. Enumerable.Range(0, 2).Select(_ => SyncParts.Change(Guid.CreateVersion7(), 1, "crm1", "name"))] })
            .ToList();

        foreach (var group in groups)
        {
            await _bus.Publish(group);
        }

        var calls = await _target.WaitForChangesAsync(6);
        var call = Assert.Single(calls);
        Assert.Equal(groups.SelectMany(g => g.Changes).Select(c => c.CustomerId), call.Select(c => c.CustomerId));
    }

    [Fact]
    public async Task Single_changes_queued_before_the_groups_still_reach_the_target_together()
    {
        var changes = Enumerable.Range(0, 3).Select(_ => SyncParts.Change(Guid.CreateVersion7(), 1, "crm1", "name")).ToList();

        foreach (var change in changes)
        {
            await _bus.Publish(change);
        }

        var call = Assert.Single(await _target.WaitForChangesAsync(3));
        Assert.Equal(changes.Select(c => c.CustomerId).Order(), call.Select(c => c.CustomerId).Order());
    }

    private sealed class RecordingBatchTarget : IConnector, IBatchSyncTarget
    {
        public const string Kind = "recording-batch-target";

        private readonly ConcurrentQueue<IReadOnlyList<CustomerUpdated>> _calls = new();

        public ConnectorDescriptor Descriptor { get; } = new(Kind, "Recording batch target", "Records the batches it is given.", []);

        public ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A batch target is given batches.");

        public ValueTask<IReadOnlyList<SyncResult>> PushBatchAsync(IReadOnlyList<CustomerUpdated> changes, ConnectorInstance instance, CancellationToken cancellationToken)
        {
            _calls.Enqueue([.. changes]);
            return ValueTask.FromResult<IReadOnlyList<SyncResult>>([.. changes.Select(_ => SyncResult.Success())]);
        }

        /// <summary>The calls so far once they carry <paramref name="count"/> changes, and a moment later, so a call too many shows.</summary>
        public async Task<List<IReadOnlyList<CustomerUpdated>>> WaitForChangesAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (_calls.Sum(c => c.Count) < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
            await Task.Delay(500);
            return [.. _calls];
        }
    }
}
