using Hub.Infrastructure.Messaging;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Integration.Tests.Telemetry;

/// <summary>MassTransit's usage report to its vendor is off: the hub calls nothing its operator did not configure.</summary>
public sealed class MassTransitUsageTelemetryTests
{
    [Theory]
    [InlineData("InMemory")]
    [InlineData("RabbitMq")]
    public void The_bus_reports_no_usage_telemetry(string transport)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:Bus:Transport"] = transport }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddHubMessaging(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.False(provider.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}
