using System.Diagnostics;

namespace Hub.Infrastructure.Telemetry;

/// <summary>
/// The hub's own activity source and meter name (<c>Hub</c>). The spans the libraries emit (ASP.NET Core, HttpClient,
/// MassTransit) are tied together by the spans started here where a message leaves a transaction: the resolution
/// commit, and the outbox relay, which publishes each row under the trace that wrote it (a group of customer changes
/// under the first one's, linked to the others).
/// </summary>
public static class HubTelemetry
{
    public const string Name = "Hub";

    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>The W3C <c>traceparent</c> of the current span, to carry across a database row; null without one.</summary>
    public static string? CurrentTraceParent() => Activity.Current?.IdFormat == ActivityIdFormat.W3C ? Activity.Current.Id : null;

    /// <summary>A span continuing the trace of <paramref name="traceParent"/> (or a root span when it is null or malformed).</summary>
    public static Activity? StartActivity(string name, ActivityKind kind, string? traceParent, IEnumerable<ActivityLink>? links = null) =>
        ActivitySource.StartActivity(
            name,
            kind,
            ActivityContext.TryParse(traceParent, null, out var parent) ? parent : default,
            links: links);
}
