using Hub.Infrastructure.RelationshipHealth;
using Hub.Server.Security;

namespace Hub.Server.Api.RelationshipHealth;

internal static class RelationshipHealthApi
{
    public static IServiceCollection AddRelationshipHealth(this IServiceCollection services, IConfiguration configuration) =>
        services.AddRelationshipHealthMaintenance(configuration);

    public static IEndpointRouteBuilder MapRelationshipHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/customers/{id:guid}/health", GetCustomerHealth.HandleAsync)
            .RequireApiScope(ApiScopes.CustomersRead)
            .WithTags("Relationship health")
            .WithName("GetCustomerHealth")
            .WithSummary("Relationship health: recency and frequency per channel, open issues, response time, who starts the contacts, the last unresolved complaint.")
            .Produces<CustomerHealthView>()
            .Produces(StatusCodes.Status301MovedPermanently)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/health/overview", GetHealthOverview.HandleAsync)
            .RequireApiScope(ApiScopes.CustomersRead)
            .WithTags("Relationship health")
            .WithName("GetHealthOverview")
            .WithSummary("The metrics over all customers, and the customers waiting longest for a reply or for an open case, a page at a time.")
            .Produces<HealthOverview>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }
}
