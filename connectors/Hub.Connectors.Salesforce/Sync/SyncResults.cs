using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>Results that carry the Contact id both as the record id and as the identifier the host links.</summary>
internal static class SyncResults
{
    /// <param name="contactId">The customer's Contact.</param>
    /// <param name="detail">What happened.</param>
    /// <param name="created">Whether this write created the Contact (it was not in Salesforce before): the hub's own record.</param>
    public static SyncResult Delivered(string? contactId, string detail, bool created = false) =>
        SyncResult.Success(contactId, detail) with
        {
            ExternalIdentifier = contactId is null ? null : new CustomerIdentifier(ContactPayload.ContactIdentifierType, contactId),
            RecordCreated = created && contactId is not null,
        };
}
