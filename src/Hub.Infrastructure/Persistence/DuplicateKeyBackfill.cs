using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Names, companies and phone numbers stored before <see cref="CustomerFieldRow.DuplicateKey"/> and
/// <see cref="CustomerIdentifierRow.DuplicateKey"/> existed have no key (the migration cannot fold text the way .NET
/// does), nor do those that processes of such a version still running beside this one write (a rolling upgrade). They
/// are keyed here in the background, as <see cref="CustomerSearchKeyBackfill"/> keys the search: in batches, after the
/// start and again every <see cref="Interval"/>, writing only the key and only while the value is the one it was
/// derived from. Until then such a customer is missing from the likely-duplicate suggestions.
/// </summary>
internal sealed partial class DuplicateKeyBackfill(IServiceScopeFactory scopes, TimeProvider time, ILogger<DuplicateKeyBackfill> logger)
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

    /// <summary>Keys every compared field and phone number that has no key; returns how many it keyed.</summary>
    public static async Task<int> RunAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var compared = DuplicateKeys.ComparedFields.ToList();
        var keyed = await InBatchesAsync(db, async () =>
        {
            var batch = await db.CustomerFields.AsNoTracking().Where(f => compared.Contains(f.Name) && f.DuplicateKey == null)
                .OrderBy(f => f.CustomerId).ThenBy(f => f.Name).Take(BatchSize)
                .Select(f => new { f.CustomerId, f.Name, f.Value }).ToListAsync(cancellationToken);
            var keyedNow = 0;
            foreach (var field in batch)
            {
                var key = DuplicateKeys.OfField(field.Name, field.Value);
                keyedNow += await db.CustomerFields
                    .Where(f => f.CustomerId == field.CustomerId && f.Name == field.Name && f.Value == field.Value && f.DuplicateKey == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.DuplicateKey, key), cancellationToken);
            }
            return (batch.Count, keyedNow);
        }, cancellationToken);
        keyed += await InBatchesAsync(db, async () =>
        {
            var batch = await db.CustomerIdentifiers.AsNoTracking()
                .Where(i => i.Type == IdentifierTypes.Phone && i.Value.Length > 9 && i.DuplicateKey == null)
                .OrderBy(i => i.Value).Take(BatchSize).Select(i => i.Value).ToListAsync(cancellationToken);
            var keyedNow = 0;
            foreach (var value in batch)
            {
                var key = DuplicateKeys.OfIdentifier(IdentifierTypes.Phone, value);
                keyedNow += await db.CustomerIdentifiers
                    .Where(i => i.Type == IdentifierTypes.Phone && i.Value == value && i.DuplicateKey == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.DuplicateKey, key), cancellationToken);
            }
            return (batch.Count, keyedNow);
        }, cancellationToken);
        return keyed;
    }

    /// <summary>Runs <paramref name="batch"/> (read up to <see cref="BatchSize"/> rows, key them) in a transaction each, until no rows are left.</summary>
    private static async Task<int> InBatchesAsync(HubDbContext db, Func<Task<(int Read, int Keyed)>> batch, CancellationToken cancellationToken)
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
            // A batch that changed meanwhile (and so keyed nothing) would come back for ever.
            if (read < BatchSize || keyedNow == 0)
            {
                return keyed;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Derived the duplicate key of {Count} names, companies and phone numbers stored without one (before the key existed, or by a process of an older version)")]
    private static partial void LogKeyed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deriving the duplicate keys of names, companies and phone numbers stored without one failed; trying again later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
