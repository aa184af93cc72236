using System.ComponentModel;

namespace Hub.Server.Telemetry;

/// <summary><c>Hub:Telemetry</c>: traces, metrics and logs for the operator (docs/operations.md, "Telemetry").</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Hub:Telemetry";

    [Description("The `service.name` of the hub's traces, metrics and logs.")]
    public string ServiceName { get; set; } = "hub";

    [Description("OTLP collector traces and logs are exported to, e.g. `http://otel-collector:4317`. None: no export, unless the standard `OTEL_EXPORTER_OTLP_ENDPOINT` is set.")]
    public Uri? OtlpEndpoint { get; set; }

    [Description("`Grpc` (port 4317) or `HttpProtobuf` (port 4318; the endpoint is then the base address, `/v1/traces` and `/v1/logs` are added).")]
    public OtlpTransport OtlpProtocol { get; set; } = OtlpTransport.Grpc;

    [Description("Share of traces recorded (0 to 1) when the caller did not decide; a sender's sampled `traceparent` is always followed.")]
    public double TraceSampleRatio { get; set; } = 1.0;

    [Description("Serve the metrics for Prometheus at `/metrics`.")]
    public bool PrometheusEnabled { get; set; } = true;

    [Description("`/metrics` needs an API key (`Authorization: Bearer <key>`, Prometheus' `authorization` setting). Off: anyone who reaches the port reads the metrics (no personal data, but names of connector instances and queues).")]
    public bool MetricsRequireApiKey { get; set; }
}

internal enum OtlpTransport
{
    Grpc,
    HttpProtobuf,
}
