using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Telemetry;
using Hub.Server.Api.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Ui.Tests;

/// <summary>
/// While the ingress refuses (the broker is down), every message sent through the API cannot be put on the timeline
/// (the answer says so: <c>RecordedOnTimeline</c> false). The log says it in full once, then at most one line per
/// 30 s, then one line when outcomes land again, instead of a warning with a stack trace per message.
/// </summary>
public sealed class MessageOutcomesOutageLogTests
{
    private const string Since = "2026-12-04T12:00:00.0000000+00:00";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger<MessageOutcomes> _log = new();
    private readonly RefusingIngress _ingress = new();
    private readonly OutboundAttempt _attempt = new(new ConnectorInstance("sms1", "twilio", new ConnectorSettings([])), "sms", "phone", "+4915112345678", "service");

    [Fact]
    public async Task Outcomes_the_ingress_refuses_are_logged_in_full_once_then_summarised_and_the_recovery_is_logged()
    {
        var outages = new OutageLogs(_time);
        var sent = new MessageSendResult(true, "SM1", null, "queued");

        // Twenty messages in twenty seconds, each in a request (and a MessageOutcomes) of its own.
        for (var i = 0; i < 20; i++)
        {
            Assert.False(await Outcomes(outages).SentAsync(_attempt, $"Hello {i}", sent, CancellationToken.None));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var full = Assert.Single(_log.Lines);
        Assert.Equal(LogLevel.Warning, full.Level);
        Assert.Equal("The sent message through sms1 could not be put on the timeline", full.Message);
        Assert.IsType<IngressUnavailableException>(full.Exception);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(await Outcomes(outages).BlockedAsync(_attempt, "consent denied", CancellationToken.None));
        Assert.Equal(
            new LoggedLine(LogLevel.Warning, $"Putting message outcomes on the timeline is still failing: 21 failed attempts since {Since}; last error: The broker is away.", null),
            Assert.Single(_log.Lines.Skip(1)));

        _ingress.Refuse = false;
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await Outcomes(outages).SentAsync(_attempt, "Hello again", sent, CancellationToken.None));
        Assert.Equal(
            new LoggedLine(LogLevel.Information, $"Putting message outcomes on the timeline recovered after 35 s and 21 failed attempts (failing since {Since})", null),
            Assert.Single(_log.Lines.Skip(2)));
    }

    private MessageOutcomes Outcomes(OutageLogs outages) =>
        new(new TouchpointNormalizer(new IdentifierNormalizer("DE")), _ingress, _time, outages, _log);

    private sealed record LoggedLine(LogLevel Level, string Message, Exception? Exception);

    /// <summary>Keeps every line logged through it (Hub.Integration.Tests has the shared one; this project cannot reach it).</summary>
    private sealed class RecordingLogger<T> : ILogger<T>
    {
        private readonly List<LoggedLine> _lines = [];

        public IReadOnlyList<LoggedLine> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add(new LoggedLine(logLevel, formatter(state, exception), exception));
            }
        }
    }

    private sealed class RefusingIngress : ITouchpointIngress
    {
        public bool Refuse { get; set; } = true;

        public Task AcceptAsync(IReadOnlyList<TouchpointReceived> touchpoints, CancellationToken cancellationToken) =>
            Refuse ? Task.FromException(new IngressUnavailableException("The broker is away.")) : Task.CompletedTask;
    }
}
