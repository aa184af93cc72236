using Hub.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Fields stored before <see cref="CustomerFieldRow.SearchKey"/> existed got an empty key from the migration, which
/// cannot fold text the way .NET does, and processes of such a version that still run beside this one (a rolling
/// upgrade) write fields without a key. They are keyed here, in batches, in the background: after the start (so that a
/// large database does not keep the process from answering its probes) and again every <see cref="Interval"/>.
/// Only the key is written, and only while the value is still the one it was derived from, so a field a resolution
/// changed meanwhile is never set back.
/// </summary>
internal sealed partial class CustomerSearchKeyBackfill(IServiceScopeFactory scopes, TimeProvider time, ILogger<CustomerSearchKeyBackfill> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await RunAsync(scope.ServiceProvider.GetRequiredService<HubDbContext>(), stoppingToken) is var keyed and > 0)
                {
                    LogKeyed(logger, keyed);
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

    /// <summary>Keys every field that has none; returns how many it keyed.</summary>
    public static async Task<int> RunAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var keyed = 0;
        while (true)
        {
            var batch = await db.CustomerFields.AsNoTracking().Where(f => f.SearchKey == "" && f.Value != "")
                .OrderBy(f => f.CustomerId).ThenBy(f => f.Name).Take(BatchSize)
                .Select(f => new { f.CustomerId, f.Name, f.Value }).ToListAsync(cancellationToken);
            var keyedNow = 0;
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                foreach (var field in batch)
                {
                    var key = CaseFolding.Fold(field.Value);
                    if (key.Length > 0)
                    {
                        keyedNow += await db.CustomerFields
                            .Where(f => f.CustomerId == field.CustomerId && f.Name == field.Name && f.Value == field.Value && f.SearchKey == "")
                            .ExecuteUpdateAsync(s => s.SetProperty(f => f.SearchKey, key), cancellationToken);
                    }
                }
                await transaction.CommitAsync(cancellationToken);
            }
            keyed += keyedNow;
            // A batch of values that fold to nothing (or that changed meanwhile) would come back for ever.
            if (batch.Count < BatchSize || keyedNow == 0)
            {
                return keyed;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Derived the search key of {Count} customer fields stored without one (before the key existed, or by a process of an older version)")]
    private static partial void LogKeyed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deriving the search keys of customer fields stored without one failed; trying again later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
