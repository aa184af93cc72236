using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hub.Server.Health;

internal static class HealthExtensions
{
    private const string Ready = "ready";

    /// <summary>Readiness covers the database and the bus (MassTransit registers its own check, tagged "ready").</summary>
    public static IServiceCollection AddHubHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapHubHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            // MassTransit reports a bus that lost the broker and is reconnecting as Degraded, which ASP.NET Core answers with 200:
            // the load balancer would keep sending webhooks that can only get 503.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteReportAsync,
        });
        return app;
    }

    /// <summary>
    /// Which process answered (the <c>service_instance_id</c> of its metrics) and each check's status and reason, so the
    /// operator sees why a process is out of the rotation without searching its log. No secrets: the checks' own words.
    /// </summary>
    private static Task WriteReportAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new ReadinessReport(
            report.Status.ToString(),
            InstanceId,
            [.. report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => new ReadinessCheck(e.Key, e.Value.Status.ToString(), e.Value.Description ?? e.Value.Exception?.Message))]),
            context.RequestAborted);

    /// <summary>The same id as the telemetry resource's <c>service.instance.id</c>.</summary>
    public static readonly string InstanceId = $"{Environment.MachineName}/{Environment.ProcessId}";

    private sealed record ReadinessReport(string Status, string Instance, IReadOnlyList<ReadinessCheck> Checks);

    private sealed record ReadinessCheck(string Name, string Status, string? Description);

    private sealed class DatabaseHealthCheck(HubDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("The database answers.")
                : HealthCheckResult.Unhealthy("The database cannot be reached.");
    }
}
