using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.FailedMessages;

/// <summary>Writes final failures to <c>failed_messages</c>: a new row, or the row of the same message failing again.</summary>
internal sealed class FailedMessageLog(HubDbContext db)
{
    public async Task RecordAsync(FailedMessage failure, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var row = await db.FailedMessages.FirstOrDefaultAsync(f => f.Fingerprint == failure.Fingerprint, cancellationToken);
                if (row is null)
                {
                    db.FailedMessages.Add(new FailedMessageRow
                    {
                        Fingerprint = failure.Fingerprint,
                        Queue = failure.Queue,
                        MessageType = failure.MessageType,
                        MessageId = failure.MessageId,
                        Body = failure.Body,
                        Headers = failure.Headers,
                        ExceptionType = failure.ExceptionType,
                        ExceptionMessage = failure.ExceptionMessage,
                        FirstFailedAt = failure.FailedAt,
                        LastFailedAt = failure.FailedAt,
                        Attempts = failure.Attempts,
                        Status = FailedMessageStatus.Failed,
                    });
                }
                else
                {
                    // Failing again (a redelivery after a crash, a replay that did not help) reopens the same row.
                    row.ExceptionType = failure.ExceptionType;
                    row.ExceptionMessage = failure.ExceptionMessage;
                    row.LastFailedAt = failure.FailedAt;
                    row.Attempts += failure.Attempts;
                    row.Status = FailedMessageStatus.Failed;
                }
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another process recorded the same message at the same moment: update its row instead.
                db.ChangeTracker.Clear();
            }
        }
    }
}
