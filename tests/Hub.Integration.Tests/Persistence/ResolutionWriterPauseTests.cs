using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// The resolution loop runs each transaction inside <see cref="WriterPause"/>, so the SQLite checkpointer can take its
/// turn between two of them (<see cref="SqliteLogRestartTests"/> shows what that turn is for).
/// </summary>
public sealed class ResolutionWriterPauseTests
{
    [Fact]
    public async Task A_group_waits_while_the_checkpointer_holds_the_pause_and_goes_on_after()
    {
        // No ResolutionCommit is registered: past the pause, the group fails at once, which shows that it got there.
        await using var services = new ServiceCollection().BuildServiceProvider();
        var pause = new WriterPause();
        await using var batcher = new ResolutionBatcher(services.GetRequiredService<IServiceScopeFactory>(), pause, TimeProvider.System, NullLogger<ResolutionBatcher>.Instance);

        Task resolved;
        using (await pause.EnterAsync(CancellationToken.None))
        {
            resolved = batcher.ResolveAsync(Touchpoint(), default, alone: false, CancellationToken.None);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.False(resolved.IsCompleted, "The group went on while the pause was held.");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => resolved.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(nameof(ResolutionCommit), error.Message, StringComparison.Ordinal);
    }

    private static TouchpointReceived Touchpoint()
    {
        var at = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
        return new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From("web1", "e1"),
            ConnectorInstanceId = "web1",
            SourceEventId = "e1",
            Channel = TouchpointChannels.Web,
            Type = "page.viewed",
            OccurredAt = at,
            ReceivedAt = at,
        };
    }
}
