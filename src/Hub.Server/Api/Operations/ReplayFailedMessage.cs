using Hub.Infrastructure.FailedMessages;

namespace Hub.Server.Api.Operations;

/// <summary>
/// <c>POST .../{id}/replay</c> and <c>POST .../replay</c> (every failed one). Replaying is safe once the cause is fixed:
/// consumers are idempotent, so a message whose effect already landed changes nothing.
/// </summary>
internal static class ReplayFailedMessage
{
    public static async Task<IResult> HandleAsync(long id, HttpContext http, FailedMessageReplayer replayer, CancellationToken cancellationToken)
    {
        try
        {
            var change = await replayer.ReplayAsync(id, http.User.Identity?.Name ?? "unknown", cancellationToken);
            return change switch
            {
                { Row: null } => FailedMessageView.NotFound(id),
                { Done: false } => FailedMessageView.NotFailed(change.Row, "replay"),
                _ => TypedResults.Ok(FailedMessageView.From(change.Row)),
            };
        }
        catch (ReplayUnavailableException e)
        {
            return Unavailable(e);
        }
    }

    public static async Task<IResult> HandleAllAsync(HttpContext http, FailedMessageReplayer replayer, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(new ReplayAllResponse(await replayer.ReplayAllAsync(http.User.Identity?.Name ?? "unknown", cancellationToken)));
        }
        catch (ReplayUnavailableException e)
        {
            return Unavailable(e);
        }
    }

    private static IResult Unavailable(ReplayUnavailableException e) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Replay unavailable", detail: e.Message);
}
