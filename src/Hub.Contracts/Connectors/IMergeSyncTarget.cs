using Hub.Contracts.Customers;

namespace Hub.Contracts.Connectors;

/// <summary>
/// A sync target that acts on merges: its system keeps a record per hub customer, and when the hub merges customers
/// it is told which ids went into which survivor, with the merged customers' records there, before the survivor's
/// change. A target that does not implement it is not told; the merged customers' records stay in its system until an
/// operator merges them there or the survivor is erased (which erases the merged customers too).
/// </summary>
public interface IMergeSyncTarget : ISyncTarget
{
    /// <summary>
    /// Tells the target about the merge. The host calls it even when the survivor's change came from this target (its
    /// system cannot know the hub merged), skips it when the target already has the survivor's version, and calls it
    /// again after a transient failure (thrown), so it must be idempotent. A refusal for good is a not-delivered result.
    /// </summary>
    ValueTask<SyncResult> MergeAsync(CustomerMerge merge, ConnectorInstance instance, CancellationToken cancellationToken);
}
