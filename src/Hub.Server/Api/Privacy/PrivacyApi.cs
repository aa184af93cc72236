using Hub.Server.Api.Consent;
using Hub.Server.Security;

namespace Hub.Server.Api.Privacy;

internal static class PrivacyApi
{
    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup("/api/customers")
            .RequireApiScope(ApiScopes.Privacy)
            .WithTags("Consent and erasure")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        customers.MapGet("/{id:guid}/consent", GetConsent.HandleAsync).WithName("GetCustomerConsent")
            .WithSummary("The consent in force per channel and purpose, with who said so and when, and the statements behind it.")
            .Produces<List<ConsentView>>().Produces(StatusCodes.Status301MovedPermanently).ProducesProblem(StatusCodes.Status404NotFound);
        customers.MapPut("/{id:guid}/consent", PutConsent.HandleAsync).WithName("PutCustomerConsent")
            .WithSummary("States the customer's consent for a channel (and purpose); it reaches every connected system like any change.")
            .Produces<AcceptedConsent>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        customers.MapPost("/{id:guid}/erasure", RequestErasure.HandleAsync).WithName("EraseCustomer")
            .WithSummary("Forgets the customer in the hub now and in every connected system that supports it; answers the per-system status.")
            .Produces<ErasureView>(StatusCodes.Status202Accepted).Produces<ErasureView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        customers.MapGet("/{id:guid}/erasure", GetErasure.HandleAsync).WithName("GetCustomerErasure")
            .WithSummary("Who asked for the customer's erasure and when, and per connected system: pending, retrying, done or failed with the reason.")
            .Produces<ErasureView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        customers.MapGet("/{id:guid}/export", ExportCustomer.HandleAsync).WithName("ExportCustomer")
            .WithSummary("Everything the hub holds about the customer, as one JSON document.")
            .Produces<System.Text.Json.Nodes.JsonObject>().Produces(StatusCodes.Status301MovedPermanently)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGroup("/api/erasures")
            .RequireApiScope(ApiScopes.Privacy)
            .WithTags("Consent and erasure")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .MapGet("/", ListErasures.HandleAsync).WithName("ListErasures")
            .WithSummary("Every erasure asked for, newest first, a page at a time; 'status' filters (pending, done, failed).")
            .Produces<ErasurePage>().ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }
}
