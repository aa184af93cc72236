using Hub.Connectors.Twilio.Connection;
using Hub.Connectors.Twilio.Outbound;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Connectors.Twilio;

/// <summary>The connector's one public door.</summary>
public static class TwilioConnectorExtensions
{
    /// <summary>Adds the Twilio voice and SMS connector (kind <c>twilio</c>).</summary>
    public static IServiceCollection AddTwilioConnector(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        services.TryAddSingleton<TwilioMessageSender>();
        services.TryAddSingleton<TwilioConnectionTester>();
        return services.AddConnector<TwilioConnector>();
    }
}
