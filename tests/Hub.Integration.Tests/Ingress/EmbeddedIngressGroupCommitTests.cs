using System.Text.Json;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Persistence;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Integration.Tests.Ingress;

/// <summary>
/// The embedded ingress writes the requests waiting at a moment in one SQLite transaction. Each caller must
/// still get its own answer: durable when it returns, an error when its group could not be written.
/// </summary>
public sealed class EmbeddedIngressGroupCommitTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hub-ingress-{Guid.NewGuid():N}.db");
    private ServiceProvider _services = null!;
    private readonly PublishedTouchpoints _published = new();

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<IngressBufferDbContext, SqliteIngressBufferDbContext>(o => o.UseSqlite($"Data Source={_path};Default Timeout=30"));
        services.AddSingleton(_published);
        services.AddMassTransit(x =>
        {
            x.AddConsumer<PublishedTouchpoints.Recorder>();
            x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        _services = services.BuildServiceProvider();
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>();
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        await _services.GetRequiredService<IBusControl>().StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.GetRequiredService<IBusControl>().StopAsync();
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Concurrent_requests_are_each_durable_once_when_answered_and_are_published()
    {
        var ingress = NewIngress();
        await ingress.StartAsync(CancellationToken.None);
        // 300 requests at once; every third one delivers the same event as the one before it (a source retry).
        var requests = Enumerable.Range(0, 300).Select(i => (IReadOnlyList<TouchpointReceived>)[Touchpoint(i % 3 == 2 ? i - 1 : i)]).ToList();
        var distinct = requests.Select(r => r[0].TouchpointId).Distinct().ToHashSet();

        var answers = requests.Select(r => Task.Run(async () =>
        {
            await ingress.AcceptAsync(r, CancellationToken.None);
            // Answered means committed: the row must be readable by anyone right now.
            return await BufferedAsync(r[0].TouchpointId);
        })).ToList();
        var durableWhenAnswered = await Task.WhenAll(answers);

        Assert.All(durableWhenAnswered, Assert.True);
        Assert.Equal(distinct.Count, await CountAsync());
        await _published.WaitForAsync(distinct, TimeSpan.FromSeconds(60));
        await ingress.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_request_whose_group_cannot_be_written_gets_unavailable_and_leaves_nothing()
    {
        var ingress = NewIngress();
        await ingress.StartAsync(CancellationToken.None);
        await using (var scope = _services.CreateAsyncScope())
        {
            // The store refuses every write to the buffer from now on.
            await scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>().Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER refuse BEFORE INSERT ON ingress_buffer BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");
        }

        var answers = Enumerable.Range(0, 20).Select(i => ingress.AcceptAsync([Touchpoint(i)], CancellationToken.None)).ToList();

        foreach (var answer in answers)
        {
            await Assert.ThrowsAsync<IngressUnavailableException>(() => answer);
        }
        Assert.Equal(0, await CountAsync());
        await ingress.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task After_shutdown_requests_are_refused_as_unavailable()
    {
        var ingress = NewIngress();
        await ingress.StartAsync(CancellationToken.None);
        await ingress.AcceptAsync([Touchpoint(1)], CancellationToken.None);
        await ingress.StopAsync(CancellationToken.None);

        await Assert.ThrowsAsync<IngressUnavailableException>(() => ingress.AcceptAsync([Touchpoint(2)], CancellationToken.None));
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task Above_the_buffer_limit_requests_are_refused_as_unavailable_and_store_nothing()
    {
        var backlog = new IngressBacklog();
        var ingress = NewIngress(backlog, new IngressOptions { BufferLimit = 5 });
        await ingress.StartAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await ingress.AcceptAsync([Touchpoint(i)], CancellationToken.None);
        }

        var refused = await Assert.ThrowsAsync<IngressUnavailableException>(() => ingress.AcceptAsync([Touchpoint(5)], CancellationToken.None));
        Assert.Contains("Hub:Ingress:BufferLimit", refused.Message, StringComparison.Ordinal);
        Assert.Equal(5, await CountAsync());

        // Once the pump has counted the buffer again (here: resolution applied three), there is room again.
        backlog.Counted(2, 0);
        await ingress.AcceptAsync([Touchpoint(6)], CancellationToken.None);
        Assert.Equal(6, await CountAsync());
        await ingress.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task With_no_room_on_the_bus_touchpoints_wait_in_the_buffer_until_the_pump_has_room_for_them()
    {
        var backlog = new IngressBacklog();
        // As the pump counted it: the bus is full with touchpoints resolution has not applied yet.
        backlog.Counted(IngressBacklog.MaxOnBus, IngressBacklog.MaxOnBus);
        var ingress = NewIngress(backlog);
        await ingress.StartAsync(CancellationToken.None);
        var touchpoints = Enumerable.Range(0, 3).Select(Touchpoint).ToList();

        await ingress.AcceptAsync(touchpoints, CancellationToken.None);

        var rows = await RowsAsync();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(0, r.Attempts));
        Assert.All(rows, r => Assert.True(r.NextAttemptAt <= DateTimeOffset.UtcNow, "a waiting row is due for the pump at once"));

        var pump = NewPump(backlog);
        await pump.StartAsync(CancellationToken.None);
        // Resolution applied what filled the bus (the pump's recount from the buffer says the same).
        backlog.Applied(IngressBacklog.MaxOnBus);
        await _published.WaitForAsync(touchpoints.Select(t => t.TouchpointId).ToHashSet(), TimeSpan.FromSeconds(30));
        Assert.All(await RowsAsync(), r => Assert.Equal(1, r.Attempts));
        await pump.StopAsync(CancellationToken.None);
        await ingress.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task While_older_touchpoints_wait_for_the_pump_new_ones_wait_behind_them_even_with_room_on_the_bus()
    {
        var backlog = new IngressBacklog();
        // As the pump counted it: five buffered touchpoints wait for it, none is on the bus.
        backlog.Counted(5, 0);
        var ingress = NewIngress(backlog);
        await ingress.StartAsync(CancellationToken.None);

        await ingress.AcceptAsync([Touchpoint(1)], CancellationToken.None);

        var row = Assert.Single(await RowsAsync());
        Assert.Equal(0, row.Attempts);
        Assert.Equal(6, backlog.Due);

        // Once the pump has published the waiting ones, new touchpoints go straight to the bus again.
        Assert.True(backlog.TryReserveDue(6));
        await ingress.AcceptAsync([Touchpoint(2)], CancellationToken.None);
        Assert.Equal(1, (await RowsAsync()).Single(r => r.TouchpointId == Touchpoint(2).TouchpointId).Attempts);
        await _published.WaitForAsync(new HashSet<Guid> { Touchpoint(2).TouchpointId }, TimeSpan.FromSeconds(30));
        await ingress.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_pump_keeps_at_most_its_bound_on_the_bus_and_publishes_more_as_resolution_removes_rows()
    {
        var due = Enumerable.Range(0, IngressBacklog.MaxOnBus + 500).Select(Touchpoint).ToList();
        // Buffered one after the other, as the ingress leaves them for the pump.
        await InsertAsync(due, DateTimeOffset.UtcNow.AddHours(-1), apart: TimeSpan.FromMilliseconds(1));
        var backlog = new IngressBacklog();
        var pump = NewPump(backlog);
        await pump.StartAsync(CancellationToken.None);

        var first = due.Take(IngressBacklog.MaxOnBus).Select(t => t.TouchpointId).ToHashSet();
        await _published.WaitForAsync(first, TimeSpan.FromSeconds(30));
        // Two more of the pump's rounds (one a second when idle): nothing beyond the bound goes out.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(IngressBacklog.MaxOnBus, _published.Count);
        Assert.Equal(500, (await RowsAsync()).Count(r => r.Attempts == 0));

        // Resolution applies 400 of them: the pump fills the bus up again, oldest first.
        await DeleteAsync(first.Take(400));
        backlog.Applied(400);
        await _published.WaitForAsync(due.Take(IngressBacklog.MaxOnBus + 400).Select(t => t.TouchpointId).ToHashSet(), TimeSpan.FromSeconds(30));
        await pump.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Rows_a_previous_run_had_published_are_published_at_start_without_waiting_for_their_redelivery_time()
    {
        var left = Enumerable.Range(0, 10).Select(Touchpoint).ToList();
        // A crashed run published these a moment ago: their redelivery time is still almost the whole delay away.
        await InsertAsync(left, DateTimeOffset.UtcNow + IngressBufferPump.RedeliveryDelay - TimeSpan.FromSeconds(1), attempts: 1);
        var pump = NewPump(new IngressBacklog());

        await pump.StartAsync(CancellationToken.None);

        await _published.WaitForAsync(left.Select(t => t.TouchpointId).ToHashSet(), TimeSpan.FromSeconds(15));
        await pump.StopAsync(CancellationToken.None);
    }

    private IngressBufferPump NewPump(IngressBacklog backlog) => new(
        _services.GetRequiredService<IServiceScopeFactory>(),
        _services.GetRequiredService<IBus>(),
        backlog,
        TimeProvider.System,
        NullLogger<IngressBufferPump>.Instance);

    private async Task<List<IngressBufferRow>> RowsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>().IngressBuffer.AsNoTracking().ToListAsync();
    }

    private async Task InsertAsync(IEnumerable<TouchpointReceived> touchpoints, DateTimeOffset nextAttemptAt, int attempts = 0, TimeSpan apart = default)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>();
        db.IngressBuffer.AddRange(touchpoints.Select((t, n) => new IngressBufferRow
        {
            TouchpointId = t.TouchpointId,
            Body = JsonSerializer.Serialize(t, JsonSerializerOptions.Web),
            ReceivedAt = t.ReceivedAt,
            NextAttemptAt = nextAttemptAt + apart * n,
            Attempts = attempts,
        }));
        await db.SaveChangesAsync();
    }

    private async Task DeleteAsync(IEnumerable<Guid> touchpointIds)
    {
        var ids = touchpointIds.ToList();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>().IngressBuffer.Where(b => ids.Contains(b.TouchpointId)).ExecuteDeleteAsync();
    }

    private BufferedTouchpointIngress NewIngress(IngressBacklog? backlog = null, IngressOptions? options = null) => new(
        _services.GetRequiredService<IServiceScopeFactory>(),
        _services.GetRequiredService<IBus>(),
        backlog ?? new IngressBacklog(),
        options ?? new IngressOptions(),
        TimeProvider.System,
        NullLogger<BufferedTouchpointIngress>.Instance);

    private async Task<long> CountAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>().IngressBuffer.LongCountAsync();
    }

    private async Task<bool> BufferedAsync(Guid touchpointId)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>().IngressBuffer.AnyAsync(b => b.TouchpointId == touchpointId);
    }

    private static TouchpointReceived Touchpoint(int n)
    {
        var at = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero).AddSeconds(n);
        return new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From("web1", $"e{n}"),
            ConnectorInstanceId = "web1",
            SourceEventId = $"e{n}",
            Channel = TouchpointChannels.Web,
            Type = "page.viewed",
            OccurredAt = at,
            ReceivedAt = at,
        };
    }

    private sealed class PublishedTouchpoints
    {
        private readonly HashSet<Guid> _seen = [];

        public int Count
        {
            get
            {
                lock (_seen)
                {
                    return _seen.Count;
                }
            }
        }

        public async Task WaitForAsync(IReadOnlySet<Guid> expected, TimeSpan timeout)
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            while (true)
            {
                lock (_seen)
                {
                    if (_seen.IsSupersetOf(expected))
                    {
                        return;
                    }
                    if (DateTimeOffset.UtcNow > deadline)
                    {
                        Assert.Fail($"{expected.Count(_seen.Contains)} of the {expected.Count} expected touchpoints were published within {timeout}.");
                    }
                }
                await Task.Delay(50);
            }
        }

        public sealed class Recorder(PublishedTouchpoints published) : IConsumer<TouchpointReceived>, IConsumer<TouchpointGroup>
        {
            public Task Consume(ConsumeContext<TouchpointReceived> context) => Seen([context.Message]);

            public Task Consume(ConsumeContext<TouchpointGroup> context) => Seen(context.Message.Touchpoints);

            private Task Seen(IEnumerable<TouchpointReceived> touchpoints)
            {
                lock (published._seen)
                {
                    published._seen.UnionWith(touchpoints.Select(t => t.TouchpointId));
                }
                return Task.CompletedTask;
            }
        }
    }
}
