namespace Hub.Connectors.Salesforce.Sync;

/// <summary>
/// What this process last wrote to each org, so that a change whose Contact fields equal the last write
/// (an echo that still made a new version, a redelivered version) causes no second write, and a Task is
/// not created twice for one touchpoint. A change of the Contact in Salesforce (not the hub's echo) that this
/// process receives makes it forget the last write (<see cref="ContactChanged"/>); one another process received
/// shows in the fingerprint once the hub states a value anew (<see cref="ContactPayload.Fingerprint"/>). In memory and bounded (<see cref="Capacity"/> entries each,
/// least recently used forgotten): after a restart, or on another hub process, the first push of a
/// customer writes again, which Salesforce takes as an idempotent upsert.
/// </summary>
internal sealed class PushLedger
{
    public const int Capacity = 10_000;

    private readonly BoundedMap<(string Instance, Guid Customer), (string ContactId, string Fingerprint)> _contacts = new(Capacity);
    private readonly BoundedMap<(string Instance, Guid Touchpoint), string> _tasks = new(Capacity);
    private readonly BoundedMap<(string Instance, string Contact), bool> _goneContacts = new(Capacity);

    public string? ContactId(string instanceId, Guid customerId) =>
        _contacts.TryGet((instanceId.ToUpperInvariant(), customerId), out var entry) ? entry.ContactId : null;

    /// <summary>The contact id when the last write of this customer had exactly these fields; otherwise null.</summary>
    public string? Unchanged(string instanceId, Guid customerId, string fingerprint) =>
        _contacts.TryGet((instanceId.ToUpperInvariant(), customerId), out var entry) && entry.Fingerprint == fingerprint ? entry.ContactId : null;

    public void ContactWritten(string instanceId, Guid customerId, string contactId, string fingerprint) =>
        _contacts.Set((instanceId.ToUpperInvariant(), customerId), (contactId, fingerprint));

    /// <summary>
    /// A Contact id learnt without writing its fields (found, or created from an older snapshot): the next change is
    /// written whatever the last write was, unless that last write was to this very Contact.
    /// </summary>
    public void ContactKnown(string instanceId, Guid customerId, string contactId)
    {
        var key = (instanceId.ToUpperInvariant(), customerId);
        if (!_contacts.TryGet(key, out var entry) || entry.ContactId != contactId)
        {
            _contacts.Set(key, (contactId, ""));
        }
    }

    /// <summary>
    /// Someone other than the hub changed the Contact in Salesforce: it no longer holds what this process last wrote
    /// there, so the next change of its customer is written even with the same fields (a new SMS STOP after a
    /// Salesforce user unchecked the box the last one checked).
    /// </summary>
    public void ContactChanged(string instanceId, string contactId)
    {
        var instance = instanceId.ToUpperInvariant();
        _contacts.UpdateWhere((key, entry) => key.Instance == instance && entry.ContactId == contactId, entry => (entry.ContactId, ""));
    }

    /// <summary>A Contact Salesforce no longer has (deleted, merged away): its id steers no further write of this process.</summary>
    public void ContactGone(string instanceId, string contactId) => _goneContacts.Set((instanceId.ToUpperInvariant(), contactId), true);

    public void ContactBack(string instanceId, string contactId) => _goneContacts.Remove((instanceId.ToUpperInvariant(), contactId));

    public bool IsGone(string instanceId, string contactId) => _goneContacts.TryGet((instanceId.ToUpperInvariant(), contactId), out _);

    public string? TaskOf(string instanceId, Guid touchpointId) =>
        _tasks.TryGet((instanceId.ToUpperInvariant(), touchpointId), out var taskId) ? taskId : null;

    public void TaskWritten(string instanceId, Guid touchpointId, string taskId) =>
        _tasks.Set((instanceId.ToUpperInvariant(), touchpointId), taskId);
}
