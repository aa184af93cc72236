using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Hub.Infrastructure.Persistence;

/// <summary>Transactions that read part of the identity graph (customers, identifiers, timeline) and write it back.</summary>
public static class CustomerGraphTransactions
{
    /// <summary>
    /// On PostgreSQL, REPEATABLE READ: every statement of the transaction reads the same snapshot, and writing a row that
    /// another transaction changed since that snapshot fails (40001), so the caller retries. Under READ COMMITTED each
    /// statement saw the latest commit instead, and a transaction could combine identifiers read before another
    /// process's merge with customers read after it: the customer-row version check passed, and the write left an
    /// empty customer behind. SQLite lets one writer at a time in and is serializable already.
    /// </summary>
    internal static Task<IDbContextTransaction> BeginCustomerGraphTransactionAsync(this DatabaseFacade database, CancellationToken cancellationToken) =>
        database.IsNpgsql()
            ? database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken)
            : database.BeginTransactionAsync(cancellationToken);

    /// <summary>
    /// The transaction lost to a concurrent write and may simply run again: a stale customer version or a key another
    /// process took first (from SaveChanges), or PostgreSQL's serialization failure (from any statement). The provider
    /// may wrap either (Npgsql's execution strategy reports 40001 as a transient failure), so the whole chain counts.
    /// </summary>
    public static bool LostToConcurrentWrite(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbUpdateException or DbException { SqlState: "40001" })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Runs <paramref name="transaction"/> and, when it <see cref="LostToConcurrentWrite">lost to a concurrent write</see>,
    /// runs it again from the start, <paramref name="attempts"/> times in all; any other failure, and the last lost race,
    /// reach the caller. Each attempt must open its own transaction and read afresh (a context that tracked the lost
    /// attempt's rows would write them again).
    /// </summary>
    public static async Task<T> RetryLostRacesAsync<T>(Func<CancellationToken, Task<T>> transaction, CancellationToken cancellationToken, int attempts = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction(cancellationToken);
            }
            catch (Exception e) when (attempt < attempts && LostToConcurrentWrite(e))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
