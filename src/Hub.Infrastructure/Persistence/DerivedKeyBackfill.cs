using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Keys derived from stored values (<see cref="CustomerSearchKeyBackfill">search keys</see>,
/// <see cref="DuplicateKeyBackfill">duplicate keys</see>) that rows lack: rows stored before the key existed (a
/// migration cannot fold text the way .NET does) and rows that processes of such a version, still running beside this
/// one in a rolling upgrade, write. They are keyed in the background, after the start (so that a large database does not
/// keep the process from answering its probes) and again every <see cref="Interval"/>, in batches, writing only the key
/// and only while the value is still the one it was derived from, so a value a resolution changed meanwhile is never set back.
/// </summary>
internal sealed partial class DerivedKeyBackfill(IServiceScopeFactory scopes, TimeProvider time, ILogger<DerivedKeyBackfill> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    internal const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
                if (await CustomerSearchKeyBackfill.RunAsync(db, stoppingToken) is var searchKeys and > 0)
                {
                    LogSearchKeys(logger, searchKeys);
                }
                if (await DuplicateKeyBackfill.RunAsync(db, stoppingToken) is var duplicateKeys and > 0)
                {
                    LogDuplicateKeys(logger, duplicateKeys);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs <paramref name="batch"/> (read up to <see cref="BatchSize"/> rows, key them) in a transaction each, until no rows are left.</summary>
    internal static async Task<int> InBatchesAsync(HubDbContext db, Func<Task<(int Read, int Keyed)>> batch, CancellationToken cancellationToken)
    {
        var keyed = 0;
        while (true)
        {
            int read, keyedNow;
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                (read, keyedNow) = await batch();
                await transaction.CommitAsync(cancellationToken);
            }
            keyed += keyedNow;
            // A batch of values that key to nothing, or that changed meanwhile, would come back for ever.
            if (read < BatchSize || keyedNow == 0)
            {
                return keyed;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Derived the search key of {Count} customer fields stored without one (before the key existed, or by a process of an older version)")]
    private static partial void LogSearchKeys(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Derived the duplicate key of {Count} names, companies and phone numbers stored without one (before the key existed, or by a process of an older version)")]
    private static partial void LogDuplicateKeys(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deriving the keys of stored values that have none failed; trying again later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
