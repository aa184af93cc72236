using Hub.Infrastructure.Persistence;
using Hub.Server.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Ui.Tests;

/// <summary>
/// The stored API keys are re-read now and then; when the database is away at that moment, the keys as last read hold,
/// so a request that carries a key (a webhook sender's Authorization header, say) does not fail with a 500.
/// </summary>
public sealed class ApiKeyStoreOutageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hub-apikey-outage-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Keys_as_last_read_hold_while_the_database_cannot_be_read()
    {
        var file = Path.Combine(_directory, "hub.db");
        await using var services = new ServiceCollection()
            .AddDbContext<HubDbContext, SqliteHubDbContext>(o => o.UseSqlite($"Data Source={file}"))
            .BuildServiceProvider();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.Database.MigrateAsync();
            db.ApiKeys.Add(new ApiKeyRow { Name = "stored", KeyHash = Convert.ToHexString(ApiKeyStore.Hash("a-stored-key-of-the-crm-integration")), CreatedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync();
        }
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new ApiKeyStore(new ConfigurationBuilder().Build(), services.GetRequiredService<IServiceScopeFactory>(), time, NullLogger<ApiKeyStore>.Instance);
        await store.LoadAsync(CancellationToken.None);

        // The database goes away: the next read finds a file without the hub's tables.
        SqliteConnection.ClearAllPools();
        File.Delete(file);
        time.Advance(ApiKeyStore.RefreshInterval + TimeSpan.FromSeconds(1));

        Assert.Equal("stored", (await store.MatchAsync("a-stored-key-of-the-crm-integration", CancellationToken.None))?.Name);
        Assert.Null(await store.MatchAsync("a-key-nobody-was-ever-given-here", CancellationToken.None));
    }
}
