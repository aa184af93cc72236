using Hub.Infrastructure.Consent;
using Hub.Server.Security;

namespace Hub.Server.Api.Messages;

internal static class MessagesApi
{
    public static IServiceCollection AddHubMessages(this IServiceCollection services, IConfiguration configuration) => services
        .AddSingleton(configuration.GetSection(ConsentOptions.Section).Get<ConsentOptions>() ?? new ConsentOptions())
        .AddScoped<OutboundConsentGate>()
        .AddScoped<MessageOutcomes>();

    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/customers/{id:guid}/messages", SendMessage.HandleAsync)
            .RequireApiScope(ApiScopes.MessagesSend)
            .WithTags("Messages")
            .WithName("SendMessage")
            .WithSummary("Sends a message (an SMS through a Twilio instance) to the customer, unless their consent forbids it; the outcome lands on the timeline.")
            .Produces<SentMessage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return app;
    }
}
