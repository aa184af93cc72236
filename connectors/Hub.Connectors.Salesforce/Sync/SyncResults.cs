using Hub.Contracts.Connectors;
using Hub.Contracts.Identity;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>Results that carry the Contact id both as the record id and as the identifier the host links.</summary>
internal static class SyncResults
{
    public static SyncResult Delivered(string? contactId, string detail) =>
        SyncResult.Success(contactId, detail) with
        {
            ExternalIdentifier = contactId is null ? null : new CustomerIdentifier(ContactPayload.ContactIdentifierType, contactId),
        };
}
