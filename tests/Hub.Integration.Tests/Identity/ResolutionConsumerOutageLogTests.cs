using System.Reflection;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Infrastructure.Telemetry;
using Hub.Integration.Tests.Telemetry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// While the database is down every touchpoint group fails and goes on as single messages. The consumer lives for one
/// message, so the log of those failures is the process's: the first in full, then a reminder per 30 s, then one line
/// when groups are applied again.
/// </summary>
public sealed class ResolutionConsumerOutageLogTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingLogger<ResolutionConsumer> _log = new();
    private readonly ResolverHarness _database = new();
    private volatile bool _databaseDown = true;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Groups_failing_while_the_database_is_down_are_logged_in_full_once_then_summarised_and_the_recovery_is_logged()
    {
        await using var services = Services();
        await using var batcher = new ResolutionBatcher(services.GetRequiredService<IServiceScopeFactory>(), new WriterPause(), _time, NullLogger<ResolutionBatcher>.Instance);
        var outages = new OutageLogs(_time);

        // Twenty groups in twenty seconds, each through a consumer of its own, as MassTransit creates one per message.
        for (var i = 0; i < 20; i++)
        {
            var context = FakeConsumeContext.Of(Group($"down{i}"));
            await new ResolutionConsumer(batcher, outages, _log).Consume(context);
            Assert.Single(FakeConsumeContext.Published(context));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var full = Assert.Single(_log.Lines);
        Assert.Equal(LogLevel.Warning, full.Level);
        Assert.Equal("1 of a group of 1 touchpoints could not be applied; each goes on as a message of its own", full.Message);
        Assert.IsType<InvalidOperationException>(full.Exception);

        _time.Advance(TimeSpan.FromSeconds(10));
        await new ResolutionConsumer(batcher, outages, _log).Consume(FakeConsumeContext.Of(Group("down20")));
        var reminder = Assert.Single(_log.Lines.Skip(1));
        Assert.Equal(
            new LoggedLine(LogLevel.Warning, "Resolution of touchpoint groups is still failing: 21 failed attempts since 2026-12-04T12:00:00.0000000+00:00; last error: Connection refused", null),
            reminder);

        _databaseDown = false;
        _time.Advance(TimeSpan.FromSeconds(5));
        var applied = FakeConsumeContext.Of(Group("up"));
        await new ResolutionConsumer(batcher, outages, _log).Consume(applied);

        Assert.Empty(FakeConsumeContext.Published(applied));
        var recovered = Assert.Single(_log.Lines.Skip(2));
        Assert.Equal(
            new LoggedLine(LogLevel.Information, "Resolution of touchpoint groups recovered after 35 s and 21 failed attempts (failing since 2026-12-04T12:00:00.0000000+00:00)", null),
            recovered);
    }

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddScoped<HubDbContext>(_ => _database.Open());
        services.AddScoped(provider => _databaseDown
            ? throw new InvalidOperationException("Connection refused")
            : HandCommits.For(provider.GetRequiredService<HubDbContext>(), time: _time));
        return services.BuildServiceProvider();
    }

    private static TouchpointGroup Group(string id) =>
        new() { Touchpoints = [CrmTouchpoints.Identified(id, 1, "Ada", CustomerIdentifier.Email($"{id}@outage.example"))] };

    /// <summary>The little of a consume context the resolution consumer uses: the message, and publishing (recorded).</summary>
    public class FakeConsumeContext : DispatchProxy
    {
        private readonly List<object> _published = [];
        private object _message = null!;

        public static ConsumeContext<T> Of<T>(T message)
            where T : class
        {
            var context = Create<ConsumeContext<T>, FakeConsumeContext>();
            ((FakeConsumeContext)(object)context)._message = message;
            return context;
        }

        public static IReadOnlyList<object> Published(object context) => ((FakeConsumeContext)context)._published;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                case "get_Message":
                    return _message;
                case "get_CancellationToken":
                    return CancellationToken.None;
                case "Publish":
                    _published.Add(args![0]!);
                    return Task.CompletedTask;
                default:
                    throw new NotSupportedException($"The fake consume context has no {targetMethod?.Name}.");
            }
        }
    }
}
