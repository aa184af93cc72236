using Hub.Infrastructure.Telemetry;
using Hub.Server.Security;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hub.Server.Telemetry;

internal static class TelemetryExtensions
{
    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// OpenTelemetry: traces (ASP.NET Core, HttpClient, MassTransit and the hub's own spans) and logs to OTLP when a
    /// collector is configured; metrics (the hub's, ASP.NET Core's, HttpClient's, MassTransit's) for Prometheus.
    /// Logs carry the trace and span ids of the work they belong to.
    /// </summary>
    public static IServiceCollection AddHubTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.AddSingleton(options);
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // Registered after the host's own binding of Logging:Console:FormatterOptions, which it leaves as configured.
        services.AddSingleton<IConfigureOptions<JsonConsoleFormatterOptions>, JsonLogDefaults>();
        var exportOtlp = options.OtlpEndpoint is not null || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OtlpEndpointVariable));
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName, serviceInstanceId: Health.HealthExtensions.InstanceId))
            .WithTracing(tracing =>
            {
                tracing
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                    .AddSource(HubTelemetry.Name, "MassTransit")
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                    .AddHttpClientInstrumentation();
                if (exportOtlp)
                {
                    tracing.AddOtlpExporter(o => Configure(o, options, "v1/traces"));
                }
            })
            .WithMetrics(metrics =>
            {
                // "System.Runtime": the runtime's own GC, thread pool, JIT and CPU metrics (.NET 9 and later).
                metrics.AddMeter(HubTelemetry.Name, "MassTransit", "System.Runtime").AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (options.PrometheusEnabled)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (exportOtlp)
        {
            telemetry.WithLogging(logging => logging.AddOtlpExporter(o => Configure(o, options, "v1/logs")));
        }
        return services;
    }

    /// <summary><c>/metrics</c> in Prometheus' text format; behind an API key when <c>Hub:Telemetry:MetricsRequireApiKey</c> is set.</summary>
    public static IEndpointRouteBuilder MapHubMetrics(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<TelemetryOptions>();
        if (options.PrometheusEnabled)
        {
            var endpoint = app.MapPrometheusScrapingEndpoint("/metrics");
            if (options.MetricsRequireApiKey)
            {
                endpoint.RequireApiScope(ApiScopes.Metrics);
            }
        }
        return app;
    }

    private static bool IsProbe(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions options, string signalPath)
    {
        if (options.OtlpEndpoint is not { } endpoint)
        {
            return; // The OTEL_EXPORTER_OTLP_* variables apply.
        }
        otlp.Protocol = options.OtlpProtocol == OtlpTransport.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // Set in code, an HTTP endpoint is used as it is: the signal's path is ours to add.
        otlp.Endpoint = options.OtlpProtocol == OtlpTransport.HttpProtobuf
            ? new Uri(endpoint.ToString().TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }
}
