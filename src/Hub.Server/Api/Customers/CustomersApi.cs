using Hub.Server.Security;

namespace Hub.Server.Api.Customers;

internal static class CustomersApi
{
    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup("/api/customers")
            .WithTags("Customers")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        var reads = customers.MapGroup("").RequireApiScope(ApiScopes.CustomersRead);
        reads.MapGet("/", FindCustomers.HandleAsync).WithName("FindCustomers")
            .WithSummary("Customers with the given e-mail or phone (normalized first); an empty array when none.")
            .Produces<List<CustomerView>>().ProducesProblem(StatusCodes.Status400BadRequest);
        reads.MapGet("/{id:guid}", GetCustomer.HandleAsync).WithName("GetCustomer")
            .WithSummary("The master record with its identifiers and fields.")
            .Produces<CustomerView>().Produces(StatusCodes.Status301MovedPermanently).ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/{id:guid}/timeline", GetTimeline.HandleAsync).WithName("GetCustomerTimeline")
            .WithSummary("The customer's touchpoints, newest first, a page at a time.")
            .Produces<TimelinePage>().Produces(StatusCodes.Status301MovedPermanently)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/{id:guid}/merges", GetMerges.HandleAsync).WithName("GetCustomerMerges")
            .WithSummary("The customer's merge history: automatic merges, admins' merges and splits.")
            .Produces<List<MergeView>>().ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/{id:guid}/sync", GetSyncStatus.HandleAsync).WithName("GetCustomerSyncStatus")
            .WithSummary("Per connected system: the version it has, its record id, and why it last refused a change.")
            .Produces<List<SyncStatusView>>().Produces(StatusCodes.Status301MovedPermanently).ProducesProblem(StatusCodes.Status404NotFound);
        customers.MapPost("/{id:guid}/split", SplitCustomer.HandleAsync).WithName("SplitCustomer").RequireApiScope(ApiScopes.IdentityReview)
            .WithSummary("Undo a merge: restores the merged customer with its own identifiers and timeline.")
            .Produces<SplitResponse>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        customers.MapPost("/{id:guid}/merge", MergeCustomers.HandleAsync).WithName("MergeCustomers").RequireApiScope(ApiScopes.IdentityReview)
            .WithSummary("Merge two customers by hand (a duplicate no rule joined): the older survives, as in an automatic merge.")
            .Produces<MergeResponse>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }
}
