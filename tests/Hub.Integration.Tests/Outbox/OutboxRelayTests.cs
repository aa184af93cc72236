using System.Data.Common;
using System.Diagnostics.Metrics;
using System.Reflection;
using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Outbound;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;
using Hub.Integration.Tests.Identity;
using Hub.Integration.Tests.Persistence;
using Hub.Integration.Tests.Telemetry;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Integration.Tests.Outbox;

/// <summary>
/// The outbox rows of a resolution group go to the relay of the process that committed them, already claimed: it
/// publishes them from memory and marks them sent, and the relay's search (for rows no relay holds) leaves them alone.
/// Rows it could not publish are released to the search; rows whose process died are taken once their claim lapses.
/// </summary>
public sealed class OutboxRelayTests : IDisposable
{
    private static readonly TouchpointReceived[] TwoNewCustomers =
    [
        CrmTouchpoints.Identified("ada", 0, "Ada Lovelace", CustomerIdentifier.Email("ada@example.org")),
        CrmTouchpoints.Identified("grace", 1, "Grace Hopper", CustomerIdentifier.Email("grace@example.org")),
    ];

    private readonly ScratchDatabases _databases = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly OutboxOptions _options = new() { PollInterval = TimeSpan.FromMilliseconds(10), ClaimDuration = TimeSpan.FromMinutes(1) };
    private readonly RecordingBus _bus = RecordingBus.Create();
    private readonly DatabaseOutage _database = new();
    private ServiceProvider? _services;

    public static TheoryData<string> Providers => ScratchDatabases.Providers;

    public void Dispose()
    {
        _services?.Dispose();
        _databases.Dispose();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_handed_over_are_published_once_from_memory_and_marked_sent_and_the_search_leaves_them(string provider)
    {
        var (relay, handover) = await StartAsync(provider);
        handover.Open();

        await CommitAsync(handover, TwoNewCustomers);

        var written = await RowsAsync();
        Assert.Equal(4, written.Count); // CustomerCreated and CustomerUpdated for each
        Assert.All(written, row => Assert.True(row.ClaimToken is not null && row.SentAt is null, "written claimed, not sent"));
        Assert.Equal(0, await relay.RelayOnceAsync(CancellationToken.None));
        Assert.Empty(_bus.Published);

        Assert.Equal(4, await relay.PublishHandedOverAsync(CancellationToken.None));

        Assert.Equal(2, _bus.Published.Count(p => p.Type == typeof(CustomerCreated)));
        var group = (CustomerUpdateGroup)Assert.Single(_bus.Published, p => p.Type == typeof(CustomerUpdateGroup)).Message;
        Assert.Equal(["Ada Lovelace", "Grace Hopper"], group.Changes.Select(u => u.Customer.Fields["name"].Value).Order(StringComparer.Ordinal));
        Assert.All(await RowsAsync(), row => Assert.NotNull(row.SentAt));
        Assert.Equal(0, await relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(3, _bus.Published.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_whose_publish_failed_are_released_and_published_by_the_next_search(string provider)
    {
        var (relay, handover) = await StartAsync(provider);
        handover.Open();
        await CommitAsync(handover, TwoNewCustomers);

        _bus.Failing = true;
        Assert.Equal(0, await relay.PublishHandedOverAsync(CancellationToken.None));

        Assert.All(await RowsAsync(), row => Assert.True(row.ClaimToken is null && row.ClaimedUntil is null && row.SentAt is null, "released, not sent"));
        _bus.Failing = false;
        Assert.Equal(4, await relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(3, _bus.Published.Count);
        Assert.All(await RowsAsync(), row => Assert.NotNull(row.SentAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_claimed_by_a_process_that_died_before_publishing_are_published_once_the_claim_lapses(string provider)
    {
        var (relay, handover) = await StartAsync(provider);
        handover.Open();
        var died = new OutboxHandover(new OutboxSignal(), _options, _time);
        died.Open();
        await CommitAsync(died, TwoNewCustomers);

        Assert.Equal(0, await relay.PublishHandedOverAsync(CancellationToken.None));
        Assert.Equal(0, await relay.RelayOnceAsync(CancellationToken.None));
        _time.Advance(_options.ClaimDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(4, await relay.RelayOnceAsync(CancellationToken.None));

        Assert.Equal(3, _bus.Published.Count);
        Assert.All(await RowsAsync(), row => Assert.NotNull(row.SentAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_relay_that_stops_releases_what_it_was_handed_and_later_rows_are_written_unclaimed(string provider)
    {
        var (relay, handover) = await StartAsync(provider);
        handover.Open();
        await CommitAsync(handover, TwoNewCustomers.Take(1).ToList());
        Assert.All(await RowsAsync(), row => Assert.NotNull(row.ClaimToken));

        // The broker takes the publish and never confirms it; the host stops the relay meanwhile.
        _bus.Hanging = true;
        await relay.StartAsync(CancellationToken.None);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_bus.Attempts == 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }
        Assert.True(_bus.Attempts > 0, "the relay should have started publishing what it was handed");
        await relay.StopAsync(CancellationToken.None);

        Assert.All(await RowsAsync(), row => Assert.True(row.ClaimToken is null && row.SentAt is null, "released, not sent"));
        Assert.Null(handover.NewClaim());
        await CommitAsync(handover, TwoNewCustomers.Skip(1).ToList());
        Assert.Equal(4, (await RowsAsync()).Count(row => row.ClaimToken is null));
        Assert.Empty(_bus.Published);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Without_a_relay_running_rows_are_written_unclaimed_for_any_relay_to_find(string provider)
    {
        var (relay, handover) = await StartAsync(provider);

        await CommitAsync(handover, TwoNewCustomers);

        Assert.All(await RowsAsync(), row => Assert.Null(row.ClaimToken));
        Assert.Equal(0, await relay.PublishHandedOverAsync(CancellationToken.None));
        Assert.Equal(4, await relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(3, _bus.Published.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Customer_changes_go_out_in_groups_in_row_order_and_other_messages_one_each(string provider)
    {
        var (relay, handover) = await StartAsync(provider);
        var customers = Enumerable.Range(0, CustomerUpdateGroup.MaxChanges + 10)
            .Select(i => CrmTouchpoints.Identified($"c{i}", i, $"Customer {i:D3}", CustomerIdentifier.Email($"c{i}@example.org")))
            .ToList();
        await CommitAsync(handover, customers);

        Assert.Equal(2 * customers.Count, await relay.RelayOnceAsync(CancellationToken.None));

        Assert.Equal(customers.Count, _bus.Published.Count(p => p.Type == typeof(CustomerCreated)));
        var groups = _bus.Published.Where(p => p.Type == typeof(CustomerUpdateGroup)).Select(p => (CustomerUpdateGroup)p.Message).ToList();
        Assert.Equal([CustomerUpdateGroup.MaxChanges, 10], groups.Select(g => g.Changes.Count).OrderDescending());
        Assert.DoesNotContain(_bus.Published, p => p.Type == typeof(CustomerUpdated));
        var rowOrder = (await RowsAsync()).Where(r => r.MessageType == nameof(CustomerUpdated))
            .Select(r => System.Text.Json.JsonSerializer.Deserialize<CustomerUpdated>(r.Body, System.Text.Json.JsonSerializerOptions.Web)!.CustomerId)
            .ToList();
        Assert.Equal(rowOrder, groups.OrderByDescending(g => g.Changes.Count).SelectMany(g => g.Changes).Select(c => c.CustomerId));
    }

    [Fact]
    public async Task While_the_database_is_down_the_relay_logs_the_first_failure_in_full_then_one_line_per_30_s_and_one_when_it_recovers()
    {
        var log = new RecordingLogger<OutboxRelay>();
        var (relay, handover) = await StartAsync("sqlite", log);
        await CommitAsync(handover, TwoNewCustomers);
        _database.Down = true;
        await relay.StartAsync(CancellationToken.None);
        var downAt = _time.GetUtcNow();

        await AdvanceUntilAsync(() => _database.Refused >= 100 && _time.GetUtcNow() - downAt >= TimeSpan.FromSeconds(90));
        var down = _time.GetUtcNow() - downAt;
        var attempts = _database.Refused;
        var duringOutage = log.Lines;
        _database.Down = false;
        await AdvanceUntilAsync(() => _bus.Published.Count == 3);
        await relay.StopAsync(CancellationToken.None);

        var failed = Assert.Single(duringOutage, line => line.Exception is not null);
        Assert.Equal("Outbox relay failed; retrying", failed.Message);
        Assert.Same(failed, duringOutage[0]);
        var reminders = duringOutage.Skip(1).ToList();
        Assert.All(reminders, line => Assert.StartsWith("Outbox relay is still failing: ", line.Message, StringComparison.Ordinal));
        Assert.InRange(reminders.Count, 2, (int)(down / OutageLog.ReminderInterval));
        Assert.True(attempts > 10 * (reminders.Count + 1), $"{attempts} attempts, {reminders.Count + 1} lines");
        var recovered = Assert.Single(log.Lines.Skip(duringOutage.Count), line => line.Message.StartsWith("Outbox relay recovered after ", StringComparison.Ordinal));
        Assert.Null(recovered.Exception);
    }

    /// <summary>Moves the fake clock on in steps until <paramref name="done"/>, giving the relay's loop a moment after each.</summary>
    private async Task AdvanceUntilAsync(Func<bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "the relay's loop did not get there within 60 s");
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(1);
        }
    }

    private async Task<(OutboxRelay Relay, OutboxHandover Handover)> StartAsync(string provider, ILogger<OutboxRelay>? logger = null)
    {
        var connectionString = await _databases.NewAsync(provider, "outbox-relay");
        await using (var db = ScratchDatabases.Open(provider, connectionString))
        {
            await db.Database.MigrateAsync();
        }
        var services = new ServiceCollection().AddMetrics();
        services.AddScoped(_ => ScratchDatabases.Open(provider, connectionString, _database));
        _services = services.BuildServiceProvider();
        var signal = new OutboxSignal();
        var handover = new OutboxHandover(signal, _options, _time);
        var relay = new OutboxRelay(_services.GetRequiredService<IServiceScopeFactory>(), _bus.Bus, signal, handover, _options, Metrics(), _time,
            logger ?? NullLogger<OutboxRelay>.Instance);
        return (relay, handover);
    }

    /// <summary>One resolution transaction as a hub process commits it, handing its outbox rows to <paramref name="handover"/>.</summary>
    private async Task CommitAsync(OutboxHandover handover, IReadOnlyList<TouchpointReceived> touchpoints)
    {
        await using var scope = _services!.CreateAsyncScope();
        await HandCommits.For(scope.ServiceProvider.GetRequiredService<HubDbContext>(), handover, _time).CommitAsync(touchpoints, [], CancellationToken.None);
    }

    private async Task<List<OutboxMessageRow>> RowsAsync()
    {
        await using var scope = _services!.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Outbox.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    private HubMetrics Metrics() => new(_services!.GetRequiredService<IMeterFactory>(), new CircuitBreakerStates());

    /// <summary>The database as the relay's connections see it: while <see cref="Down"/>, every connection is refused.</summary>
    private sealed class DatabaseOutage : DbConnectionInterceptor
    {
        private int _refused;

        public bool Down { get; set; }

        public int Refused => Volatile.Read(ref _refused);

        public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            Down ? throw Refuse() : result;

        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            Down ? throw Refuse() : ValueTask.FromResult(result);

        private InvalidOperationException Refuse()
        {
            Interlocked.Increment(ref _refused);
            return new InvalidOperationException("Connection refused (the test's database outage)");
        }
    }

    /// <summary>The one call of <see cref="IBus"/> the relay makes, recorded; the broker can be made to refuse it.</summary>
    public class RecordingBus : DispatchProxy
    {
        public List<(object Message, Type Type)> Published { get; } = [];

        public bool Failing { get; set; }

        /// <summary>Publishes are taken and never confirmed: they end only when cancelled.</summary>
        public bool Hanging { get; set; }

        public int Attempts => Volatile.Read(ref _attempts);

        private int _attempts;

        public IBus Bus { get; private set; } = null!;

        public static RecordingBus Create()
        {
            var bus = DispatchProxy.Create<IBus, RecordingBus>();
            var recorder = (RecordingBus)(object)bus;
            recorder.Bus = bus;
            return recorder;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var parameters = targetMethod?.GetParameters().Select(p => p.ParameterType).ToArray() ?? [];
            if (targetMethod?.Name != nameof(IPublishEndpoint.Publish) || !parameters.SequenceEqual([typeof(object), typeof(Type), typeof(CancellationToken)]))
            {
                throw new NotSupportedException($"The relay is not expected to call {targetMethod}.");
            }
            Interlocked.Increment(ref _attempts);
            if (Hanging)
            {
                return Task.Delay(Timeout.Infinite, (CancellationToken)args![2]!);
            }
            if (Failing)
            {
                return Task.FromException(new InvalidOperationException("The broker refused the message."));
            }
            lock (Published)
            {
                Published.Add((args![0]!, (Type)args[1]!));
            }
            return Task.CompletedTask;
        }
    }
}
