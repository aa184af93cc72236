using Microsoft.Extensions.Logging;

namespace Hub.Integration.Tests.Telemetry;

/// <summary>Keeps every line logged through it, with its level and exception.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
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

public sealed record LoggedLine(LogLevel Level, string Message, Exception? Exception);
