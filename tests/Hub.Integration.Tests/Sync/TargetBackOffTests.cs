using Hub.Contracts.Connectors;
using Hub.Infrastructure.Sync;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Integration.Tests.Sync;

/// <summary>A target that asks the hub to wait (<see cref="SyncTargetUnavailableException.RetryAfter"/>) is not called again before that.</summary>
public sealed class TargetBackOffTests
{
    private readonly CountingTime _time = new();
    private int _calls;

    [Fact]
    public async Task A_target_that_asks_to_wait_is_called_again_only_after_the_time_it_asked_for()
    {
        var call = CallAsync(TimeSpan.FromSeconds(30));

        await AdvanceOnceWaitingAsync(waits: 1, TimeSpan.FromSeconds(29));
        Assert.Equal(1, _calls);
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("delivered", await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task A_target_that_does_not_say_how_long_is_called_again_after_the_default_wait()
    {
        var call = CallAsync((TimeSpan?)null);

        await AdvanceOnceWaitingAsync(waits: 1, TargetBackOff.DefaultWait - TimeSpan.FromMilliseconds(1));
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("delivered", await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task A_long_wait_is_waited_in_steps_asking_the_target_in_between()
    {
        var call = CallAsync(TargetBackOff.MaxWait + TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));

        await AdvanceOnceWaitingAsync(waits: 1, TargetBackOff.MaxWait);
        await AdvanceOnceWaitingAsync(waits: 2, TimeSpan.FromSeconds(29));
        Assert.Equal(2, _calls);
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("delivered", await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, _calls);
    }

    [Fact]
    public async Task A_target_that_keeps_asking_to_wait_fails_the_delivery_once_the_budget_is_spent()
    {
        var step = TimeSpan.FromMinutes(1);
        var waits = (int)(TargetBackOff.DefaultBudget / step);
        var call = CallAsync([.. Enumerable.Repeat<TimeSpan?>(step, waits + 1)]);

        for (var i = 1; i <= waits; i++)
        {
            await AdvanceOnceWaitingAsync(i, step);
        }

        await Assert.ThrowsAsync<SyncTargetUnavailableException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(waits + 1, _calls);
    }

    /// <summary>A call that fails once per given wait (null: the target did not say), then delivers.</summary>
    private Task<string> CallAsync(params TimeSpan?[] waits) =>
        TargetBackOff.CallAsync(_ =>
        {
            var attempt = Interlocked.Increment(ref _calls);
            return attempt <= waits.Length
                ? throw new SyncTargetUnavailableException("rate limited", waits[attempt - 1])
                : ValueTask.FromResult("delivered");
        }, TargetBackOff.DefaultBudget, _time, CancellationToken.None);

    /// <summary>Advances the fake clock once the hub has started its <paramref name="waits"/>-th wait.</summary>
    private async Task AdvanceOnceWaitingAsync(int waits, TimeSpan by)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Volatile.Read(ref _time.Timers) < waits)
        {
            await Task.Delay(5, guard.Token);
        }
        _time.Advance(by);
    }

    /// <summary>Counts the timers (waits) started on it.</summary>
    private sealed class CountingTime : FakeTimeProvider
    {
        public int Timers;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref Timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
