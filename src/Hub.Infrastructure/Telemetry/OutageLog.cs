using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Telemetry;

/// <summary>
/// The log of a background loop that retries while something it needs is down (the database, the broker): the first
/// failure is logged in full, with its exception, by the loop's own message; while the failures go on, at most one
/// line every <see cref="ReminderInterval"/> says so (how many attempts, since when, the last error's message, no
/// stack trace); the first success after them logs one line that it recovered. Without it a loop that retries every
/// half second wrote a stack trace every half second for as long as the outage lasted.
/// </summary>
/// <remarks>
/// One instance per loop, or one per kind of work that many consumers or requests do at once (see
/// <see cref="OutageLogs"/>): then every failing message counts as an attempt, and the outage ends with the first one
/// that works.
/// </remarks>
public sealed partial class OutageLog(ILogger logger, string activity, TimeProvider time)
{
    public static readonly TimeSpan ReminderInterval = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private DateTimeOffset? _since;
    private DateTimeOffset _lastLine;
    private int _attempts;

    /// <summary>Whether the last attempt failed.</summary>
    public bool Failing
    {
        get
        {
            lock (_gate)
            {
                return _since is not null;
            }
        }
    }

    /// <summary>
    /// An attempt failed: the first of an outage is logged by <paramref name="logFirst"/> (the loop's own line, with the
    /// exception); later ones only by a reminder, at most once per <see cref="ReminderInterval"/>.
    /// </summary>
    public void Failed(Exception exception, Action<ILogger, Exception> logFirst)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            _attempts++;
            if (_since is null)
            {
                _since = now;
                _lastLine = now;
                logFirst(logger, exception);
                return;
            }
            if (now - _lastLine >= ReminderInterval)
            {
                _lastLine = now;
                LogStillFailing(logger, activity, _attempts, _since.Value, exception.Message);
            }
        }
    }

    /// <summary>An attempt succeeded: after failures, logs that the loop recovered, and forgets the outage.</summary>
    public void Succeeded()
    {
        lock (_gate)
        {
            if (_since is not { } since)
            {
                return;
            }
            LogRecovered(logger, activity, Math.Round((time.GetUtcNow() - since).TotalSeconds, 1), _attempts, since);
            _since = null;
            _attempts = 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Activity} is still failing: {Attempts} failed attempts since {Since:O}; last error: {Reason}")]
    private static partial void LogStillFailing(ILogger logger, string activity, int attempts, DateTimeOffset since, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Activity} recovered after {Seconds} s and {Attempts} failed attempts (failing since {Since:O})")]
    private static partial void LogRecovered(ILogger logger, string activity, double seconds, int attempts, DateTimeOffset since);
}
