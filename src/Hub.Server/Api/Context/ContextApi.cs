using Hub.Server.Security;

namespace Hub.Server.Api.Context;

internal static class ContextApi
{
    public static IServiceCollection AddCustomerContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CallerTwimlOptions>()
            .Bind(configuration.GetSection(CallerTwimlOptions.Section))
            .Validate(o => new[] { o.KnownCaller, o.KnownCallerWithOpenIssue ?? o.KnownCaller, o.UnknownCaller }.All(CallerTwimlOptions.IsTwiml),
                $"{CallerTwimlOptions.Section}: every template must be a TwiML document whose root element is <Response>.")
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapCustomerContextApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/context", GetCustomerContext.HandleAsync)
            .RequireApiScope(ApiScopes.ContextRead)
            .WithTags("Context")
            .WithName("GetCustomerContext")
            .WithSummary("Screen pop: who the customer is (by phone, e-mail or id), their latest touchpoints on every channel, and per-channel recency and frequency.")
            .Produces<CustomerContext>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        // Twilio asks with the method its number is configured for: GET or POST, the same answer.
        MapCallerTwiml(app.MapGet("/api/context/twiml", GetCallerTwiml.HandleAsync), "GetCallerTwiml");
        MapCallerTwiml(app.MapPost("/api/context/twiml", GetCallerTwiml.HandleAsync), "PostCallerTwiml");
        return app;
    }

    private static void MapCallerTwiml(RouteHandlerBuilder endpoint, string operationId) => endpoint
        .RequireApiScope(ApiScopes.ContextRead)
        .DisableAntiforgery()
        .WithTags("Context")
        .WithName(operationId)
        .WithSummary("TwiML for an incoming call: greets a known caller by name (and routes one with an open case), configurable under Hub:Context:Twiml.")
        .Produces<string>(StatusCodes.Status200OK, "text/xml")
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
}
