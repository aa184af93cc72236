using Hub.Integration.Tests.Faults;
using Hub.Integration.Tests.Hosting;

namespace Hub.Integration.Tests.Telemetry;

/// <summary>
/// One hub process on RabbitMQ and PostgreSQL (a fresh virtual host and database) as an operator would run it in
/// production: quorum queues on, traces exported over OTLP to a test collector, id-only logs at Information, one
/// sync target. Shared by the tests of <see cref="ObservedHubCollection"/>, which start it once.
/// </summary>
public sealed class ObservedHub : IAsyncLifetime
{
    internal OtlpCollector Collector { get; } = new();

    internal SyncTarget Target { get; } = new();

    public ProductionHub Hub { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Hub = await ProductionHub.StartAsync(Target.Settings(new Dictionary<string, string>
        {
            ["Hub:Bus:QuorumQueues"] = "true",
            ["Hub:Telemetry:OtlpEndpoint"] = Collector.Endpoint.ToString(),
            ["Hub:Telemetry:OtlpProtocol"] = "HttpProtobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["Logging:LogLevel:Hub"] = "Information",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        }));

    public async Task DisposeAsync()
    {
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        Target.Dispose();
        Collector.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ObservedHubCollection : ICollectionFixture<ObservedHub>
{
    public const string Name = "observed production hub";
}
