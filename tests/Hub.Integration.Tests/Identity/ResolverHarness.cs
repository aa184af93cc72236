using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// The hub's real resolver on a real SQLite file, driven by several concurrent "processors" the way
/// consumers drive it: a batch per transaction, retried when a concurrent write conflicts.
/// </summary>
internal sealed class ResolverHarness : IDisposable
{
    private static readonly Lazy<string> Template = new(CreateTemplate);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hub-resolver-{Guid.NewGuid():N}.db");

    public ResolverHarness() => File.Copy(Template.Value, _path);

    public IdentityRules Rules { get; init; } = new();

    public SurvivorshipRules Survivorship { get; init; } = new();

    public HubDbContext Open() => Open(_path);

    /// <summary>Each processor applies its touchpoints in batches, all processors at once.</summary>
    public async Task RunAsync(IReadOnlyList<IReadOnlyList<IReadOnlyList<TouchpointReceived>>> processors)
    {
        await Task.WhenAll(processors.Select(batches => Task.Run(async () =>
        {
            foreach (var batch in batches)
            {
                await ApplyAsync(batch);
            }
        })));
    }

    /// <summary>Applies one batch in one transaction, retried on conflicts; returns what the committed attempt changed.</summary>
    public async Task<ResolutionChanges> ApplyAsync(IReadOnlyList<TouchpointReceived> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = Open();
                await using var transaction = await db.Database.BeginTransactionAsync();
                var changes = await new TouchpointResolver(db, Rules, Survivorship, TimeProvider.System).ResolveAsync(batch, CancellationToken.None);
                await ResolutionEvents.WriteAsync(db, changes, DateTimeOffset.UtcNow, claim: null, CancellationToken.None);
                await transaction.CommitAsync();
                return changes;
            }
            catch (Exception e) when (attempt < 100 && e is DbUpdateException or SqliteException or InvalidOperationException { InnerException: SqliteException })
            {
                await Task.Delay(Random.Shared.Next(1, 20));
            }
        }
    }

    /// <summary>The outcome as <see cref="CustomerGraphShape"/>, one customer per line.</summary>
    public async Task<string> ShapeAsync()
    {
        await using var db = Open();
        return string.Join(Environment.NewLine, await CustomerGraphShape.OfAsync(db));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static SqliteHubDbContext Open(string path) =>
        new(new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite($"Data Source={path};Default Timeout=30").Options);

    private static string CreateTemplate()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hub-resolver-template-{Guid.NewGuid():N}.db");
        using var db = Open(path);
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        SqliteConnection.ClearAllPools();
        return path;
    }
}
