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
        backlog.Counted(2);
        await ingress.AcceptAsync([Touchpoint(6)], CancellationToken.None);
        Assert.Equal(6, await CountAsync());
        await ingress.StopAsync(CancellationToken.None);
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

        public async Task WaitForAsync(IReadOnlySet<Guid> expected, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                lock (_seen)
                {
                    if (_seen.IsSupersetOf(expected))
                    {
                        return;
                    }
                }
                await Task.Delay(50, cts.Token);
            }
        }

        public sealed class Recorder(PublishedTouchpoints published) : IConsumer<TouchpointReceived>
        {
            public Task Consume(ConsumeContext<TouchpointReceived> context)
            {
                lock (published._seen)
                {
                    published._seen.Add(context.Message.TouchpointId);
                }
                return Task.CompletedTask;
            }
        }
    }
}
