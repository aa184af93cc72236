using System.Data.Common;
using System.Reflection;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Telemetry;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Integration.Tests.Ingress;

/// <summary>
/// Embedded mode: while the buffer's file refuses writes or deletes, or the bus refuses publishes, the ingress and the
/// sweeper log the first failure in full (with the exception), then at most one line per 30 s, then one line when it
/// works again, instead of a stack trace per webhook batch.
/// </summary>
public sealed class IngressOutageLogTests : IAsyncLifetime
{
    private const string Since = "2026-12-04T12:00:00.0000000+00:00";
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hub-ingress-outage-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(Start);
    private readonly RefusedDeletes _refusedDeletes;
    private ServiceProvider _services = null!;

    public IngressOutageLogTests() => _refusedDeletes = new RefusedDeletes(_time);

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddDbContext<IngressBufferDbContext, SqliteIngressBufferDbContext>(o => o.UseSqlite($"Data Source={_path};Default Timeout=30").AddInterceptors(_refusedDeletes));
        _services = services.BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Webhook_batches_the_buffer_cannot_take_are_logged_in_full_once_then_summarised_and_the_recovery_is_logged()
    {
        var log = new RecordingLogger<BufferedTouchpointIngress>();
        var ingress = NewIngress(RefusingBus.Create(_time), log);
        await ingress.StartAsync(CancellationToken.None);
        await ExecuteAsync("CREATE TRIGGER refuse BEFORE INSERT ON ingress_buffer BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<IngressUnavailableException>(() => ingress.AcceptAsync([Touchpoint(i)], CancellationToken.None));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var full = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Error, full.Level);
        Assert.Equal("Could not buffer 1 touchpoints; their requests are answered 503", full.Message);
        Assert.Contains("disk says no", full.Exception?.InnerException?.Message, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<IngressUnavailableException>(() => ingress.AcceptAsync([Touchpoint(20)], CancellationToken.None));
        var reminder = Assert.Single(log.Lines.Skip(1));
        Assert.Equal(LogLevel.Warning, reminder.Level);
        Assert.Null(reminder.Exception);
        Assert.StartsWith($"Buffering touchpoints is still failing: 21 failed attempts since {Since}; last error: ", reminder.Message, StringComparison.Ordinal);

        await ExecuteAsync("DROP TRIGGER refuse;");
        _time.Advance(TimeSpan.FromSeconds(5));
        await ingress.AcceptAsync([Touchpoint(21)], CancellationToken.None);

        Assert.Equal(
            new LoggedLine(LogLevel.Information, $"Buffering touchpoints recovered after 35 s and 21 failed attempts (failing since {Since})", null),
            Assert.Single(log.Lines.Skip(2)));
        await ingress.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Buffered_touchpoints_the_bus_refuses_are_logged_in_full_once_then_summarised_and_the_recovery_is_logged()
    {
        var log = new RecordingLogger<BufferedTouchpointIngress>();
        var bus = RefusingBus.Create(_time);
        var refusing = (RefusingBus)(object)bus;
        refusing.Refuse = true;
        var ingress = NewIngress(bus, log);
        await ingress.StartAsync(CancellationToken.None);

        // The bus moves the clock on by a second with each refused publish: twenty in twenty seconds.
        for (var i = 0; i < 20; i++)
        {
            await ingress.AcceptAsync([Touchpoint(i)], CancellationToken.None);
        }
        await WaitForAsync(() => refusing.Refused == 20);
        refusing.Step = TimeSpan.FromSeconds(15);
        await ingress.AcceptAsync([Touchpoint(20)], CancellationToken.None);
        await WaitForAsync(() => log.Lines.Count >= 2);

        var lines = log.Lines;
        Assert.Equal(2, lines.Count);
        Assert.Equal(LogLevel.Warning, lines[0].Level);
        Assert.Equal("Could not publish 1 buffered touchpoints; the ingress buffer pump publishes them later", lines[0].Message);
        Assert.Equal("The bus refused.", lines[0].Exception?.Message);
        Assert.Equal(
            new LoggedLine(LogLevel.Warning, $"Publishing buffered touchpoints is still failing: 21 failed attempts since {Since.Replace("12:00:00", "12:00:01", StringComparison.Ordinal)}; last error: The bus refused.", null),
            lines[1]);

        refusing.Refuse = false;
        await ingress.AcceptAsync([Touchpoint(21)], CancellationToken.None);
        await WaitForAsync(() => log.Lines.Count >= 3);

        Assert.Equal(
            new LoggedLine(LogLevel.Information, $"Publishing buffered touchpoints recovered after 34 s and 21 failed attempts (failing since {Since.Replace("12:00:00", "12:00:01", StringComparison.Ordinal)})", null),
            Assert.Single(log.Lines.Skip(2)));
        await ingress.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Applied_touchpoints_the_buffer_will_not_delete_are_logged_in_full_once_then_summarised_and_the_recovery_is_logged()
    {
        var log = new RecordingLogger<IngressBufferSweeper>();
        var sweeper = new IngressBufferSweeper(_services.GetRequiredService<IServiceScopeFactory>(), new IngressBacklog(), _time, log);
        await sweeper.StartAsync(CancellationToken.None);
        _refusedDeletes.Refuse = true;

        // The file moves the clock on by a second with each refused delete: twenty in twenty seconds.
        for (var i = 0; i < 20; i++)
        {
            sweeper.Applied([Touchpoint(i).TouchpointId]);
            await WaitForAsync(() => _refusedDeletes.Refused == i + 1);
        }
        _refusedDeletes.Step = TimeSpan.FromSeconds(15);
        sweeper.Applied([Touchpoint(20).TouchpointId]);
        await WaitForAsync(() => _refusedDeletes.Refused == 21);
        _refusedDeletes.Refuse = false;
        sweeper.Applied([Touchpoint(21).TouchpointId]);
        await WaitForAsync(() => log.Lines.Count >= 3);

        var lines = log.Lines;
        Assert.Equal(3, lines.Count);
        Assert.Equal(LogLevel.Warning, lines[0].Level);
        Assert.Equal("1 applied touchpoints stay in the ingress buffer for now; the buffer pump offers them again and they are removed then", lines[0].Message);
        Assert.Equal("The disk refused.", lines[0].Exception?.Message);
        var since = Since.Replace("12:00:00", "12:00:01", StringComparison.Ordinal);
        Assert.Equal(
            new LoggedLine(LogLevel.Warning, $"Clearing applied touchpoints from the ingress buffer is still failing: 21 failed attempts since {since}; last error: The disk refused.", null),
            lines[1]);
        Assert.Equal(
            new LoggedLine(LogLevel.Information, $"Clearing applied touchpoints from the ingress buffer recovered after 34 s and 21 failed attempts (failing since {since})", null),
            lines[2]);
        await sweeper.StopAsync(CancellationToken.None);
    }

    private BufferedTouchpointIngress NewIngress(IBus bus, ILogger<BufferedTouchpointIngress> log) => new(
        _services.GetRequiredService<IServiceScopeFactory>(), bus, new IngressBacklog(), new IngressOptions(), _time, log);

    private async Task ExecuteAsync(string sql)
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IngressBufferDbContext>().Database.ExecuteSqlRawAsync(sql);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
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

    /// <summary>
    /// A bus that takes publishes or, while told to, refuses them; each refusal moves the clock on by
    /// <see cref="Step"/>, on the ingress's own loop, so the times logged do not depend on when the test thread runs.
    /// </summary>
    public class RefusingBus : DispatchProxy
    {
        private FakeTimeProvider _time = null!;
        private int _refused;

        public volatile bool Refuse;

        public TimeSpan Step { get; set; } = TimeSpan.FromSeconds(1);

        public int Refused => Volatile.Read(ref _refused);

        public static IBus Create(FakeTimeProvider time)
        {
            var bus = Create<IBus, RefusingBus>();
            ((RefusingBus)(object)bus)._time = time;
            return bus;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != "Publish")
            {
                throw new NotSupportedException($"The refusing bus has no {targetMethod?.Name}.");
            }
            if (!Refuse)
            {
                return Task.CompletedTask;
            }
            _time.Advance(Step);
            Interlocked.Increment(ref _refused);
            return Task.FromException(new InvalidOperationException("The bus refused."));
        }
    }

    /// <summary>While told to, fails every statement that deletes buffer rows, moving the clock on by <see cref="Step"/> first.</summary>
    private sealed class RefusedDeletes(FakeTimeProvider time) : DbCommandInterceptor
    {
        private int _refused;

        public volatile bool Refuse;

        public TimeSpan Step { get; set; } = TimeSpan.FromSeconds(1);

        public int Refused => Volatile.Read(ref _refused);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Refuse && command.CommandText.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase))
            {
                time.Advance(Step);
                Interlocked.Increment(ref _refused);
                throw new InvalidOperationException("The disk refused.");
            }
            return ValueTask.FromResult(result);
        }
    }
}
