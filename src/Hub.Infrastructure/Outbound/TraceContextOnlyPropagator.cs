using System.Diagnostics;

namespace Hub.Infrastructure.Outbound;

/// <summary>
/// What an outbound request tells the system it calls about the hub's trace: the W3C trace context (<c>traceparent</c>,
/// <c>tracestate</c>), so that the target's side can join the trace, and not the baggage, which carries the hub's own
/// message ids (MassTransit puts its conversation id there) to systems that are not the hub's.
/// </summary>
internal sealed class TraceContextOnlyPropagator : DistributedContextPropagator
{
    private static readonly DistributedContextPropagator Default = CreateDefaultPropagator();
    private static readonly string[] Sent = ["traceparent", "tracestate", "Request-Id"];

    public override IReadOnlyCollection<string> Fields => Sent;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        if (setter is null)
        {
            return;
        }
        Default.Inject(activity, carrier, (c, name, value) =>
        {
            if (Sent.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                setter(c, name, value);
            }
        });
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState) =>
        Default.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        Default.ExtractBaggage(carrier, getter);
}
