using System.Data.Common;
using Hub.Contracts.Identity;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Integration.Tests.Hosting;
using Hub.Integration.Tests.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// A resolution group that lost a race to another process (here: another connection writes the customer row after the
/// group's snapshot, as a second hub process would) runs again in the loop and commits, instead of failing its
/// touchpoints back to the endpoint's retry.
/// </summary>
public sealed class LostGroupRerunTests
{
    private static readonly CustomerIdentifier Email = CustomerIdentifier.Email("ada@rerun.example");

    [Fact]
    public async Task A_group_that_lost_to_a_concurrent_write_of_its_customer_runs_again_and_commits()
    {
        var database = await SharedServers.NewDatabaseAsync("rerun");
        var rival = new RivalWrite(database);
        await using var services = Services(database, rival);
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<HubDbContext>().Database.MigrateAsync();
        }
        await using var batcher = ActivatorUtilities.CreateInstance<ResolutionBatcher>(services, new WriterPause(), TimeProvider.System);
        await batcher.ResolveAsync(CrmTouchpoints.Identified("e1", 1, "Ada", Email), default, alone: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        rival.Arm();
        await batcher.ResolveAsync(CrmTouchpoints.Identified("e2", 2, "Ada Lovelace", Email), default, alone: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, rival.Writes);
        Assert.True(rival.Transactions >= 2, $"the group ran {rival.Transactions} time(s) after the rival's write");
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""select count(*), count(distinct "CustomerId") from timeline""", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((2L, 1L), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    private static ServiceProvider Services(string database, RivalWrite rival)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<HubDbContext, PostgresHubDbContext>(o => o.UseNpgsql(database).AddInterceptors(rival));
        services.AddScoped(provider => HandCommits.For(provider.GetRequiredService<HubDbContext>()));
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Once armed: right after the first statement of the next resolution transaction (which took its snapshot), another
    /// connection rewrites every customer row and commits, so the transaction's own write of the customer conflicts.
    /// </summary>
    private sealed class RivalWrite(string database) : DbCommandInterceptor
    {
        private readonly HashSet<Guid> _seen = [];
        private int _armed;
        private int _writes;
        private int _transactions;

        public int Writes => Volatile.Read(ref _writes);

        public int Transactions => Volatile.Read(ref _transactions);

        public void Arm() => Volatile.Write(ref _armed, 1);

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            await AfterStatementAsync(command, eventData, cancellationToken);
            return result;
        }

        public override async ValueTask<int> NonQueryExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            await AfterStatementAsync(command, eventData, cancellationToken);
            return result;
        }

        private async Task AfterStatementAsync(DbCommand command, CommandExecutedEventData eventData, CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _armed) == 0 || command.Transaction is null || eventData.Context?.Database.CurrentTransaction is not { } transaction)
            {
                return;
            }
            if (!_seen.Add(transaction.TransactionId))
            {
                return;
            }
            Interlocked.Increment(ref _transactions);
            if (Interlocked.CompareExchange(ref _writes, 1, 0) == 0)
            {
                await using var connection = new NpgsqlConnection(database);
                await connection.OpenAsync(cancellationToken);
                await using var rewrite = new NpgsqlCommand("""update customers set "Stamp" = "Stamp" """, connection);
                Assert.Equal(1, await rewrite.ExecuteNonQueryAsync(cancellationToken));
            }
        }
    }
}
