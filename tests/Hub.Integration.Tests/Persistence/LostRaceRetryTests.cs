using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// Splits and erasures run again when they lost to a concurrent write, however the provider reports it, and only then:
/// any other failure reaches the caller at once, and a race lost on every attempt reaches it after the last.
/// </summary>
public sealed class LostRaceRetryTests
{
    public static TheoryData<string> LostRaces => ["stale version", "serialization failure", "serialization failure wrapped by the execution strategy"];

    [Theory]
    [MemberData(nameof(LostRaces))]
    public async Task A_transaction_that_lost_a_race_runs_again_and_its_result_is_that_of_the_attempt_that_committed(string how)
    {
        var attempts = 0;

        var result = await CustomerGraphTransactions.RetryLostRacesAsync(_ =>
        {
            attempts++;
            return attempts < 3 ? throw LostRace(how) : Task.FromResult($"committed on attempt {attempts}");
        }, CancellationToken.None);

        Assert.Equal("committed on attempt 3", result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_race_lost_on_every_attempt_reaches_the_caller_after_the_last_attempt()
    {
        var attempts = 0;

        var failure = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => CustomerGraphTransactions.RetryLostRacesAsync<string>(_ =>
        {
            attempts++;
            throw LostRace("stale version");
        }, CancellationToken.None, attempts: 4));

        Assert.Equal(4, attempts);
        Assert.Contains("stale", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_other_failure_reaches_the_caller_at_once()
    {
        var attempts = 0;

        var failure = await Assert.ThrowsAsync<PostgresException>(() => CustomerGraphTransactions.RetryLostRacesAsync<string>(_ =>
        {
            attempts++;
            throw new PostgresException("relation \"customers\" does not exist", "ERROR", "ERROR", "42P01");
        }, CancellationToken.None));

        Assert.Equal(1, attempts);
        Assert.Equal("42P01", failure.SqlState);
    }

    [Fact]
    public async Task A_cancelled_request_is_not_retried()
    {
        using var cancellation = new CancellationTokenSource();
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CustomerGraphTransactions.RetryLostRacesAsync<string>(_ =>
        {
            attempts++;
            cancellation.Cancel();
            throw LostRace("stale version");
        }, cancellation.Token));

        Assert.Equal(1, attempts);
    }

    private static Exception LostRace(string how) => how switch
    {
        "stale version" => new DbUpdateConcurrencyException("The customer's stale version matched no row."),
        "serialization failure" => SerializationFailure(),
        _ => new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new DbUpdateException("An error occurred while saving the entity changes.", SerializationFailure())),
    };

    private static PostgresException SerializationFailure() =>
        new("could not serialize access due to concurrent update", "ERROR", "ERROR", "40001");
}
