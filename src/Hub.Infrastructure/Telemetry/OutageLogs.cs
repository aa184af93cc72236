using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Telemetry;

/// <summary>
/// The <see cref="OutageLog"/>s of work that is not one loop but many messages at once, handled by consumers that live
/// for one message each: one log per activity for the whole process, so that an outage is logged in full once and then
/// summarised, not once per message.
/// </summary>
public sealed class OutageLogs(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, OutageLog> _logs = new(StringComparer.Ordinal);

    /// <summary>The log of <paramref name="activity"/>; the first caller's <paramref name="logger"/> writes it.</summary>
    public OutageLog For(string activity, ILogger logger) => _logs.GetOrAdd(activity, name => new OutageLog(logger, name, time));
}
