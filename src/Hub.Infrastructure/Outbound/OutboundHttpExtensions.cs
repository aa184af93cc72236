using System.Net;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Hub.Infrastructure.Outbound;

public static class OutboundHttpExtensions
{
    /// <summary>
    /// The <see cref="HubHttpClients.Outbound"/> client: SSRF-guarded connections, redirects not followed,
    /// and a resilience pipeline per target host (retry with jitter honouring Retry-After, circuit
    /// breaker, per-attempt timeout).
    /// </summary>
    public static IServiceCollection AddHubOutboundHttp(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(OutboundOptions.Section);
        var options = section.Get<OutboundOptions>() ?? new OutboundOptions();
        if (section["AllowedNetworks"] is { Length: > 0 } commaSeparated)
        {
            // An environment variable (Hub__Outbound__AllowedNetworks=10.0.0.0/8,192.168.0.0/16) sets the list as one value.
            options.AllowedNetworks.Add(commaSeparated);
        }
        var guard = new OutboundAddressGuard(options);
        services.AddSingleton(options);
        services.AddSingleton(guard);
        services.AddSingleton<IOutboundConnections>(guard);
        services.AddMetrics();
        services.TryAddSingleton<CircuitBreakerStates>();
        services.TryAddSingleton<HubMetrics>();
        foreach (var (name, retry) in new[] { (HubHttpClients.Outbound, true), (HubHttpClients.OutboundSelfPaced, false) })
        {
            var client = services.AddHttpClient(name, c => c.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    ActivityHeadersPropagator = new TraceContextOnlyPropagator(),
                    ConnectCallback = guard.ConnectAsync,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    UseCookies = false,
                });
            client.AddResilienceHandler(name, (builder, context) => ConfigurePipeline(builder, options, retry, context))
                .SelectPipelineByAuthority();
            // Added after the resilience handler, so inside it: called on every attempt the retry makes.
            client.AddHttpMessageHandler(() => new BeforeEachAttemptHandler());
        }
        return services;
    }

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> builder, OutboundOptions options, bool retry, ResilienceHandlerContext context)
    {
        // One pipeline per target (SelectPipelineByAuthority): its instance name is the target's scheme, host and port.
        var metrics = context.ServiceProvider.GetRequiredService<HubMetrics>();
        var host = context.InstanceName;
        metrics.BreakerChanged(host, Polly.CircuitBreaker.CircuitState.Closed);
        if (retry && options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                // Polly's MaxDelay does not bound a Retry-After. A target asking for a longer wait gets its answer back at
                // once: the caller hands the change back to its queue (SyncTargetUnavailableException), instead of a
                // handler waiting that long and then re-sending a request whose signature has grown stale meanwhile.
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome) && !AsksForLongerThan(args.Outcome, options.MaxRetryDelay)),
            });
        }
        builder
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                FailureRatio = options.CircuitBreakerFailureRatio,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnOpened = _ => Changed(Polly.CircuitBreaker.CircuitState.Open),
                OnHalfOpened = _ => Changed(Polly.CircuitBreaker.CircuitState.HalfOpen),
                OnClosed = _ => Changed(Polly.CircuitBreaker.CircuitState.Closed),
            })
            .AddTimeout(options.AttemptTimeout);

        ValueTask Changed(Polly.CircuitBreaker.CircuitState state)
        {
            metrics.BreakerChanged(host, state);
            return ValueTask.CompletedTask;
        }
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: { } e } => !IsRefusedAddress(e) && HttpClientResiliencePredicates.IsTransient(outcome),
        { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout } => true,
        { Result: { } response } => (int)response.StatusCode >= 500,
        _ => false,
    };

    private static bool AsksForLongerThan(Outcome<HttpResponseMessage> outcome, TimeSpan longest) =>
        outcome.Result?.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta > longest,
            { Date: { } date } => date - TimeProvider.System.GetUtcNow() > longest,
            _ => false,
        };

    private static bool IsRefusedAddress(Exception exception) =>
        exception is OutboundAddressRefusedException || exception.InnerException is OutboundAddressRefusedException;
}
