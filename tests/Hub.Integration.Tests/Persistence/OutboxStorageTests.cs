using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// On PostgreSQL the outbox leaves half of each page free, so the relay's claim updates a row in place (HOT) rather than
/// adding index entries the relay's search has to step over.
/// </summary>
public sealed class OutboxStorageTests : IDisposable
{
    private readonly ScratchDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    [Fact]
    public async Task The_outbox_leaves_room_on_its_pages_so_a_claim_updates_the_row_in_place()
    {
        var connectionString = await _databases.NewAsync("postgresql", "outbox-storage");
        await using var db = new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(connectionString).Options);
        await db.Database.MigrateAsync();

        // Five changes of about 1.5 kB: a full page would take all five and have no room left for a row's new version.
        for (var i = 0; i < 5; i++)
        {
            db.Outbox.Add(new OutboxMessageRow { MessageType = "CustomerUpdated", Body = new string('x', 1500), CreatedAt = DateTimeOffset.UtcNow });
        }
        await db.SaveChangesAsync();
        await db.Outbox.ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimToken, Guid.NewGuid()).SetProperty(m => m.ClaimedUntil, DateTimeOffset.UtcNow.AddMinutes(1)));

        // Every claim was a heap-only update: the statistics count them once the backend reports them.
        await db.Database.ExecuteSqlRawAsync("SELECT pg_stat_force_next_flush()");
        var hot = await db.Database.SqlQueryRaw<long>("SELECT n_tup_hot_upd AS \"Value\" FROM pg_stat_user_tables WHERE relname = 'outbox'").SingleAsync();
        Assert.Equal(5L, hot);
        var options = await db.Database.SqlQueryRaw<string>("SELECT array_to_string(reloptions, ',') AS \"Value\" FROM pg_class WHERE relname = 'outbox'").SingleAsync();
        Assert.Equal("fillfactor=50", options);
    }
}
