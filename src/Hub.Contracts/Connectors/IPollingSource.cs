using Hub.Contracts.Touchpoints;

namespace Hub.Contracts.Connectors;

/// <summary>
/// A connector that fetches touchpoints instead of receiving them (X mentions without Account Activity access,
/// a mailbox). The host runs one poll loop per instance, on one hub process at a time, keeps the checkpoint, and
/// stores a new checkpoint only after the touchpoints it covers are durable: a crash repeats a poll, and the
/// deterministic touchpoint ids make the repeat change nothing.
/// </summary>
public interface IPollingSource
{
    /// <summary>Whether this instance polls at all (a twitter instance in <c>Mode=polling</c>).</summary>
    bool Polls(ConnectorInstance instance);

    /// <summary>
    /// One poll from <paramref name="checkpoint"/> (null the first time). A temporary refusal of the system
    /// (a rate limit) is thrown as <see cref="SyncTargetUnavailableException"/> with the time it named.
    /// </summary>
    ValueTask<PollResult> PollAsync(ConnectorInstance instance, string? checkpoint, CancellationToken cancellationToken);
}

/// <summary>What one poll brought.</summary>
/// <param name="Touchpoints">New touchpoints, in any order.</param>
/// <param name="Checkpoint">Where the next poll starts; stored once the touchpoints are durable.</param>
/// <param name="NextPollIn">How long to wait before the next poll (longer when the system's rate limit asks for it).</param>
public sealed record PollResult(IReadOnlyList<TouchpointDraft> Touchpoints, string? Checkpoint, TimeSpan NextPollIn);
