using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Infrastructure.FailedMessages;

internal static class FailedMessagesExtensions
{
    /// <summary>The record of final failures, their replay, and the replay of a sync target's failures once it is back from an outage.</summary>
    public static IServiceCollection AddFailedMessages(this IServiceCollection services)
    {
        services.AddSingleton<FailedMessageFilter>();
        services.AddScoped<FailedMessageLog>();
        services.AddScoped<FailedMessageReplayer>();
        services.AddHostedService<OutageRedelivery>();
        return services;
    }

    /// <summary>
    /// On the bus, so on every receive endpoint, ahead of the message-type pipes where each consumer's retry sits:
    /// only what the retry gives up on reaches the filter.
    /// </summary>
    public static void UseFailedMessageRecording(this IConsumePipeConfigurator configurator, IRegistrationContext context) =>
        configurator.UseFilter(context.GetRequiredService<FailedMessageFilter>());
}
