using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.FailedMessages;
using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Identity;
using Hub.Integration.Tests.Telemetry;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Integration.Tests.FailedMessages;

/// <summary>
/// While the database is down, every message a consumer gives up on cannot be recorded in <c>failed_messages</c> (it is
/// in the error queue only). The filter logs the first of those in full, then at most one line per 30 s, then one line
/// when failures are recorded again, instead of an error with a stack trace per message.
/// </summary>
public sealed class FailedMessageFilterOutageLogTests : IAsyncLifetime
{
    private const string Since = "2026-12-04T12:00:01.0000000+00:00";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger<FailedMessageFilter> _log = new();
    private readonly ResolverHarness _database = new();
    private ServiceProvider _services = null!;
    private volatile bool _databaseDown = true;
    private TimeSpan _step = TimeSpan.FromSeconds(1);
    private int _refused;
    private int _inErrorQueue;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        // A refused connection moves the clock on first, on the bus's thread, so the logged times do not depend on the test's.
        services.AddScoped<HubDbContext>(_ =>
        {
            if (!_databaseDown)
            {
                return _database.Open();
            }
            _time.Advance(_step);
            Interlocked.Increment(ref _refused);
            throw new InvalidOperationException("Connection refused");
        });
        services.AddScoped<FailedMessageLog>();
        services.AddSingleton(provider => new FailedMessageFilter(provider.GetRequiredService<IServiceScopeFactory>(), _time, _log));
        services.AddMassTransit(x => x.UsingInMemory((context, cfg) =>
        {
            cfg.UseFilter(context.GetRequiredService<FailedMessageFilter>());
            cfg.ReceiveEndpoint("failing", e => e.Handler<TouchpointReceived>(_ => throw new InvalidOperationException("The consumer gave up.")));
            cfg.ReceiveEndpoint("failing_error", e => e.Handler<TouchpointReceived>(_ =>
            {
                Interlocked.Increment(ref _inErrorQueue);
                return Task.CompletedTask;
            }));
        }));
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<IBusControl>().StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.GetRequiredService<IBusControl>().StopAsync();
        await _services.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Failures_that_cannot_be_recorded_are_logged_in_full_once_then_summarised_and_the_recovery_is_logged()
    {
        // Twenty messages given up on in twenty seconds, one after the other.
        for (var i = 0; i < 20; i++)
        {
            await GiveUpOnAsync(i);
        }
        var full = Assert.Single(_log.Lines);
        Assert.Equal(LogLevel.Error, full.Level);
        Assert.StartsWith("Could not record failed message ", full.Message, StringComparison.Ordinal);
        Assert.EndsWith("failing; it is in the error queue only", full.Message, StringComparison.Ordinal);
        Assert.Equal("Connection refused", full.Exception?.Message);

        _step = TimeSpan.FromSeconds(15);
        await GiveUpOnAsync(20);
        Assert.Equal(
            new LoggedLine(LogLevel.Warning, $"Recording failed messages is still failing: 21 failed attempts since {Since}; last error: Connection refused", null),
            Assert.Single(_log.Lines.Skip(1)));

        _databaseDown = false;
        await GiveUpOnAsync(21);
        Assert.Equal(
            new LoggedLine(LogLevel.Information, $"Recording failed messages recovered after 34 s and 21 failed attempts (failing since {Since})", null),
            Assert.Single(_log.Lines.Skip(2)));
        Assert.Equal(21, _refused);
        await using var db = _database.Open();
        Assert.Equal(1, await db.FailedMessages.CountAsync());
    }

    /// <summary>Sends a message its consumer fails on, and waits until it is in the error queue (the filter is done with it then).</summary>
    private async Task GiveUpOnAsync(int n)
    {
        var before = Volatile.Read(ref _inErrorQueue);
        var endpoint = await _services.GetRequiredService<IBus>().GetSendEndpoint(new Uri("queue:failing"));
        await endpoint.Send(Touchpoint(n));
        for (var i = 0; i < 200 && Volatile.Read(ref _inErrorQueue) == before; i++)
        {
            await Task.Delay(25);
        }
        Assert.Equal(before + 1, Volatile.Read(ref _inErrorQueue));
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
}
