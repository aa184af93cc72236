using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Operations;

internal static class GetFailedMessage
{
    public static async Task<IResult> HandleAsync(long id, HubDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.FailedMessages.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        return row is null ? FailedMessageView.NotFound(id) : TypedResults.Ok(FailedMessageDetail.From(row));
    }
}
