using System.Data.Common;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// Another process merges a customer in the middle of a replay that involves it, after the replay read the component's
/// identifiers and timeline and before it read the customers. On PostgreSQL the replay must not combine the two
/// moments (that left the merged customer restored with nothing on it): it fails, is retried, and the result is that of
/// the two transactions one after the other.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ConcurrentReplayTests
{
    private static readonly CustomerIdentifier JaneContact = new("salesforce:contact", "S1");
    private static readonly CustomerIdentifier BobContact = new("salesforce:contact", "S2");
    private static readonly CustomerIdentifier IntruderContact = new("salesforce:contact", "S3");
    private static readonly CustomerIdentifier JaneEmail = CustomerIdentifier.Email("jane@example.org");
    private static readonly CustomerIdentifier BobEmail = CustomerIdentifier.Email("bob@example.org");
    private static readonly CustomerIdentifier BobPhone = CustomerIdentifier.Phone("+12015550102");

    /// <summary>Bob twice (a phone, then a contact with an e-mail); Jane's e-mail contested by another contact.</summary>
    private static readonly TouchpointReceived[] Known =
    [
        CrmTouchpoints.Identified("bob-phone", 0, "Bob Roe", BobPhone),
        CrmTouchpoints.Identified("jane", 1, "Jane Doe", JaneContact, JaneEmail),
        CrmTouchpoints.Identified("intruder", 2, "Ian Truder", IntruderContact, JaneEmail),
        CrmTouchpoints.Identified("bob", 3, "Robert Roe", BobContact, BobEmail),
    ];

    /// <summary>Links Bob's e-mail to his phone: an ordinary merge of the newer Bob into the older.</summary>
    private static readonly TouchpointReceived Merge = CrmTouchpoints.Identified("bob-call", 4, "Bob Roe", BobEmail, BobPhone);

    /// <summary>Touches Jane's contested e-mail and Bob's: a replay of the component both are in.</summary>
    private static readonly TouchpointReceived Replayed = CrmTouchpoints.Identified("jane-bob", 5, "Jane Doe", JaneEmail, BobEmail);

    [Fact]
    public async Task A_merge_committed_in_the_middle_of_a_replay_fails_the_replay_whose_retry_ends_as_if_they_ran_in_turn()
    {
        var inTurn = await NewDatabaseAsync("replay-in-turn");
        foreach (var touchpoint in Known.Append(Merge).Append(Replayed))
        {
            await CommitAsync(inTurn, [touchpoint]);
        }

        var raced = await NewDatabaseAsync("replay-raced");
        foreach (var touchpoint in Known)
        {
            await CommitAsync(raced, [touchpoint]);
        }
        var mergeMidway = new BeforeReplayReadsCustomers(() => CommitAsync(raced, [Merge]));
        var attempts = 0;
        await CustomerGraphTransactions.RetryLostRacesAsync(async _ =>
        {
            attempts++;
            await CommitAsync(raced, [Replayed], mergeMidway);
            return attempts;
        }, CancellationToken.None);

        Assert.True(mergeMidway.Fired, "the merge should have run while the replay was under way");
        var shape = await ShapeAsync(raced);
        Assert.DoesNotContain(shape, c => c.StartsWith(" |", StringComparison.Ordinal) || c.EndsWith("| ", StringComparison.Ordinal));
        Assert.Contains(shape, c => c.Contains("email:bob@example.org", StringComparison.Ordinal) && c.Contains("phone:+12015550102", StringComparison.Ordinal));
        Assert.Equal(await ShapeAsync(inTurn), shape);
        Assert.Equal(2, attempts);
    }

    private static async Task<string> NewDatabaseAsync(string purpose)
    {
        var connectionString = await SharedServers.NewDatabaseAsync(purpose);
        await using var db = Open(connectionString);
        await db.Database.MigrateAsync();
        return connectionString;
    }

    /// <summary>One resolution transaction exactly as a hub process commits it.</summary>
    private static async Task CommitAsync(string connectionString, IReadOnlyList<TouchpointReceived> touchpoints, IInterceptor? interceptor = null)
    {
        await using var db = Open(connectionString, interceptor);
        var commit = HandCommits.For(db);
        await commit.CommitAsync(touchpoints, [], CancellationToken.None);
    }

    private static async Task<List<string>> ShapeAsync(string connectionString)
    {
        await using var db = Open(connectionString);
        return await CustomerGraphShape.OfAsync(db);
    }

    private static PostgresHubDbContext Open(string connectionString, IInterceptor? interceptor = null)
    {
        var options = new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(connectionString);
        if (interceptor is not null)
        {
            options.AddInterceptors(interceptor);
        }
        return new PostgresHubDbContext(options.Options);
    }

    /// <summary>
    /// Runs <paramref name="meanwhile"/> to its commit, once, just before the replay's query for the component's customers
    /// (the only query of a resolution that selects customers merged into others).
    /// </summary>
    private sealed class BeforeReplayReadsCustomers(Func<Task> meanwhile) : DbCommandInterceptor
    {
        public bool Fired { get; private set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (!Fired && command.CommandText.Contains("FROM customers", StringComparison.Ordinal)
                && command.CommandText.Contains("\"MergedIntoId\" IS NOT NULL", StringComparison.Ordinal))
            {
                Fired = true;
                await meanwhile().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            }
            return result;
        }
    }
}
