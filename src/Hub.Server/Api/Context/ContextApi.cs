using Hub.Server.Security;

namespace Hub.Server.Api.Context;

internal static class ContextApi
{
    public static IEndpointRouteBuilder MapCustomerContextApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/context", GetCustomerContext.HandleAsync)
            .RequireAuthorization(ApiKeyExtensions.ApiPolicy)
            .WithTags("Context")
            .WithName("GetCustomerContext")
            .WithSummary("Screen pop: who the customer is (by phone, e-mail or id), their latest touchpoints on every channel, and per-channel recency and frequency.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
