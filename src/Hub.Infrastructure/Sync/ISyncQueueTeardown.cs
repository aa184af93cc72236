namespace Hub.Infrastructure.Sync;

/// <summary>
/// What becomes of the queue of an instance that stopped being a sync target (its target address cleared, the instance
/// disabled or deleted) once this process stopped consuming it: nothing may keep collecting changes for it, where
/// nobody reads them, to push a stale backlog at once when it becomes a target again.
/// </summary>
internal interface ISyncQueueTeardown
{
    /// <summary>After this process stopped its receive endpoint for good. Never throws.</summary>
    Task TearDownAsync(string instanceId);

    /// <summary>Before this process connects the instance's receive endpoint (again).</summary>
    Task BeforeConnectAsync(string instanceId);
}
