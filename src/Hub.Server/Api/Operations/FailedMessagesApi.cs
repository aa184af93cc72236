using Hub.Server.Security;

namespace Hub.Server.Api.Operations;

/// <summary>Messages the consumers gave up on after their retries: see why, replay once fixed, or discard.</summary>
internal static class FailedMessagesApi
{
    public static IEndpointRouteBuilder MapFailedMessagesApi(this IEndpointRouteBuilder app)
    {
        var failed = app.MapGroup("/api/operations/failed-messages")
            .RequireApiScope(ApiScopes.Operations)
            .WithTags("Operations")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        failed.MapGet("/", ListFailedMessages.HandleAsync).WithName("ListFailedMessages")
            .WithSummary("Failed messages, newest first, a page at a time; 'status' filters (failed, replayed, discarded).")
            .Produces<FailedMessagePage>().ProducesProblem(StatusCodes.Status400BadRequest);
        failed.MapGet("/{id:long}", GetFailedMessage.HandleAsync).WithName("GetFailedMessage")
            .WithSummary("One failed message with its reason, the message itself and its headers.")
            .Produces<FailedMessageDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        failed.MapPost("/{id:long}/replay", ReplayFailedMessage.HandleAsync).WithName("ReplayFailedMessage")
            .WithSummary("Sends the message again to the queue it failed on and marks it replayed; a message not in 'failed' gets 409.")
            .Produces<FailedMessageView>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        failed.MapPost("/replay", ReplayFailedMessage.HandleAllAsync).WithName("ReplayAllFailedMessages")
            .WithSummary("Replays every message in 'failed', oldest first.")
            .Produces<ReplayAllResponse>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        failed.MapPost("/{id:long}/discard", DiscardFailedMessage.HandleAsync).WithName("DiscardFailedMessage")
            .WithSummary("Marks the message discarded: it will not be replayed; a message not in 'failed' gets 409.")
            .Produces<FailedMessageView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }
}
