using Hub.Infrastructure.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Integration.Tests.Telemetry;

/// <summary>
/// A loop that retries every half second while the database is down logs its first failure in full, then at most one
/// line per 30 s that it is still failing, and one line when it works again.
/// </summary>
public sealed class OutageLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingLogger<OutageLogTests> _logger = new();
    private readonly OutageLog _outage;

    public OutageLogTests() => _outage = new OutageLog(_logger, "Outbox relay", _time);

    [Fact]
    public void The_first_failure_is_logged_with_its_exception_and_the_next_ones_once_per_30_seconds_without()
    {
        var connectionRefused = new InvalidOperationException("Connection refused");

        FailEveryHalfSecondFor(TimeSpan.FromSeconds(75), connectionRefused);

        var lines = _logger.Lines;
        Assert.Equal(3, lines.Count);
        Assert.Equal(new LoggedLine(LogLevel.Warning, "Outbox relay failed; retrying", connectionRefused), lines[0]);
        Assert.All(lines.Skip(1), line => Assert.True(line.Level == LogLevel.Warning && line.Exception is null, line.ToString()));
        Assert.Equal("Outbox relay is still failing: 61 failed attempts since 2026-12-04T12:00:00.0000000+00:00; last error: Connection refused", lines[1].Message);
        Assert.Equal("Outbox relay is still failing: 121 failed attempts since 2026-12-04T12:00:00.0000000+00:00; last error: Connection refused", lines[2].Message);
        Assert.True(_outage.Failing);
    }

    [Fact]
    public void The_first_success_after_failures_logs_one_recovered_line_and_a_later_failure_is_logged_in_full_again()
    {
        _outage.Succeeded();
        Assert.Empty(_logger.Lines);

        FailEveryHalfSecondFor(TimeSpan.FromSeconds(10), new InvalidOperationException("Connection refused"));
        _outage.Succeeded();
        _outage.Succeeded();

        var recovered = Assert.Single(_logger.Lines.Skip(1));
        Assert.Equal(new LoggedLine(LogLevel.Information, "Outbox relay recovered after 10 s and 20 failed attempts (failing since 2026-12-04T12:00:00.0000000+00:00)", null), recovered);
        Assert.False(_outage.Failing);

        var again = new TimeoutException("The server did not answer");
        _outage.Failed(again, Log);
        Assert.Equal(again, _logger.Lines[^1].Exception);
        Assert.Equal(3, _logger.Lines.Count);
    }

    private void FailEveryHalfSecondFor(TimeSpan outage, Exception exception)
    {
        var end = _time.GetUtcNow() + outage;
        while (_time.GetUtcNow() < end)
        {
            _outage.Failed(exception, Log);
            _time.Advance(TimeSpan.FromMilliseconds(500));
        }
    }

    private static void Log(ILogger logger, Exception exception) => logger.LogWarning(exception, "Outbox relay failed; retrying");
}
