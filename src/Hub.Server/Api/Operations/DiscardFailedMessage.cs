using Hub.Infrastructure.FailedMessages;

namespace Hub.Server.Api.Operations;

internal static class DiscardFailedMessage
{
    public static async Task<IResult> HandleAsync(long id, HttpContext http, FailedMessageReplayer replayer, CancellationToken cancellationToken)
    {
        var change = await replayer.DiscardAsync(id, http.User.Identity?.Name ?? "unknown", cancellationToken);
        return change switch
        {
            { Row: null } => FailedMessageView.NotFound(id),
            { Done: false } => FailedMessageView.NotFailed(change.Row, "discard"),
            _ => TypedResults.Ok(FailedMessageView.From(change.Row)),
        };
    }
}
