using System.Net;
using System.Net.Mime;
using System.Text;
using Hub.Connectors.Salesforce.Api;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>
/// One customer change to one Contact: <c>PATCH sobjects/Contact/{ExternalIdField}/{customer id}</c> (upsert),
/// or <c>PATCH sobjects/Contact/{id}</c> when the Contact id is known. A known Contact that Salesforce no longer has
/// (404: deleted, or merged away in Salesforce) is remembered as gone and the change falls back to the upsert.
/// Refusals (validation rules, bad fields) are reported with Salesforce's code, fields and message; transient failures throw.
/// </summary>
internal sealed class ContactWriter(SalesforceClient client, PushLedger ledger)
{
    public async ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = SalesforceOptions.From(instance.Settings);
        if (Skip(change, instance, options) is { } skipped)
        {
            return skipped;
        }
        return await WriteAsync(change.Customer, instance, options, cancellationToken);
    }

    /// <summary>The result without writing, when nothing needs writing.</summary>
    public SyncResult? Skip(CustomerUpdated change, ConnectorInstance instance, SalesforceOptions options)
    {
        if (options.Credentials is null)
        {
            return SyncResult.Success(detail: "inbound only: no ClientId configured, nothing written");
        }
        if (string.Equals(change.SourceConnectorInstanceId, instance.Id, StringComparison.OrdinalIgnoreCase))
        {
            return SyncResults.Delivered(ledger.ContactId(instance.Id, change.CustomerId), "caused by this org itself: not written back");
        }
        var payload = ContactPayload.From(change.Customer, options);
        return ledger.Unchanged(instance.Id, change.CustomerId, payload.Fingerprint) is { } contactId
            ? SyncResults.Delivered(contactId, "the Contact already has these values (last write): nothing sent")
            : null;
    }

    public async ValueTask<SyncResult> WriteAsync(CustomerSnapshot customer, ConnectorInstance instance, SalesforceOptions options, CancellationToken cancellationToken)
    {
        var payload = ContactPayload.From(customer, options);
        var contactId = ContactIdOf(payload, instance, customer.Id);
        var response = await PatchAsync(payload, contactId, instance, options, cancellationToken);
        if (contactId is not null && IsGone(response.Status, response.Errors))
        {
            ledger.ContactGone(instance.Id, contactId);
            contactId = null;
            response = await PatchAsync(payload, contactId, instance, options, cancellationToken);
        }
        if (response.Status == HttpStatusCode.MultipleChoices)
        {
            return SeveralContacts(options, payload);
        }
        if (!response.IsSuccess)
        {
            return SyncResult.Refused($"Salesforce refused the Contact ({(int)response.Status}): {SalesforceError.Describe(response.Errors, response.Body)}");
        }
        var id = contactId ?? RecordId(response.Body);
        if (id is null)
        {
            return SyncResult.Refused($"Salesforce answered {(int)response.Status} without a record id.");
        }
        ledger.ContactWritten(instance.Id, customer.Id, id, payload.Fingerprint);
        var created = response.Status == HttpStatusCode.Created;
        return SyncResults.Delivered(id, created ? $"Contact {id} created" : $"Contact {id} updated", created);
    }

    /// <summary>The Contact a change is written to by id: the customer's best one Salesforce still has, else the last one written; null for the upsert.</summary>
    public string? ContactIdOf(ContactPayload payload, ConnectorInstance instance, Guid customerId) =>
        payload.ContactIds.FirstOrDefault(id => !ledger.IsGone(instance.Id, id))
        ?? (ledger.ContactId(instance.Id, customerId) is { } last && !ledger.IsGone(instance.Id, last) ? last : null);

    /// <summary>A write by id to a Contact Salesforce does not have (any more): deleted (<c>ENTITY_IS_DELETED</c>) or never there.</summary>
    public static bool IsGone(HttpStatusCode status, IReadOnlyList<SalesforceError> errors) => status == HttpStatusCode.NotFound || IsGone(errors);

    /// <summary>One record's errors in a collections answer saying its Contact is gone.</summary>
    public static bool IsGone(IReadOnlyList<SalesforceError> errors) => errors.Any(e => e.Code is "ENTITY_IS_DELETED" or "NOT_FOUND");

    private Task<SalesforceResponse> PatchAsync(ContactPayload payload, string? contactId, ConnectorInstance instance, SalesforceOptions options, CancellationToken cancellationToken)
    {
        var body = payload.ToJson(contactId is null ? null : options.ExternalIdField).ToJsonString();
        return client.SendAsync(instance, options, instanceUrl => new HttpRequestMessage(HttpMethod.Patch, contactId is null
            ? SalesforcePaths.Resource(instanceUrl, options, "sobjects", "Contact", options.ExternalIdField, payload.ExternalIdValue)
            : SalesforcePaths.Resource(instanceUrl, options, "sobjects", "Contact", contactId))
        {
            Content = new StringContent(body, Encoding.UTF8, MediaTypeNames.Application.Json),
        }, cancellationToken);
    }

    /// <summary>
    /// The Contact a Task needs when the customer has none known here: created from the touchpoint's snapshot, never
    /// updated with it. That snapshot can be older than a change the org's change queue pushes at the same moment, and
    /// an upsert with it landing second would put the old values back. So it is <c>POST sobjects/Contact</c>, which
    /// only creates; when the external id is taken already (<c>DUPLICATE_VALUE</c>: the change queue, or someone in
    /// Salesforce, created the Contact first), the id is read by external id and nothing is written.
    /// </summary>
    public async ValueTask<SyncResult> CreateOrFindAsync(CustomerSnapshot customer, ConnectorInstance instance, SalesforceOptions options, CancellationToken cancellationToken)
    {
        var payload = ContactPayload.From(customer, options);
        var body = payload.ToJson(options.ExternalIdField).ToJsonString();
        var created = await client.SendAsync(instance, options, instanceUrl => new HttpRequestMessage(HttpMethod.Post,
            SalesforcePaths.Resource(instanceUrl, options, "sobjects", "Contact"))
        {
            Content = new StringContent(body, Encoding.UTF8, MediaTypeNames.Application.Json),
        }, cancellationToken);
        if (created.IsSuccess)
        {
            return RecordId(created.Body) is { } id
                ? Known(instance, customer, id, $"Contact {id} created", created: true)
                : SyncResult.Refused($"Salesforce answered {(int)created.Status} without a record id.");
        }
        var refusal = $"Salesforce refused the Contact ({(int)created.Status}): {SalesforceError.Describe(created.Errors, created.Body)}";
        if (!created.Errors.Any(e => e.Code == "DUPLICATE_VALUE"))
        {
            return SyncResult.Refused(refusal);
        }
        var found = await ContactLookup.ByExternalIdAsync(client, instance, options, payload.ExternalIdValue, cancellationToken);
        if (found.Several)
        {
            return SeveralContacts(options, payload);
        }
        // Not found by external id: the duplicate was another unique field's, and Salesforce's refusal says which.
        return found.ContactId is { } existing
            ? Known(instance, customer, existing, $"Contact {existing} was there already")
            : SyncResult.Refused(refusal);
    }

    private static SyncResult SeveralContacts(SalesforceOptions options, ContactPayload payload) =>
        SyncResult.Refused($"Several Contacts have {options.ExternalIdField} = {payload.ExternalIdValue}: nothing written; merge them in Salesforce.");

    private SyncResult Known(ConnectorInstance instance, CustomerSnapshot customer, string contactId, string detail, bool created = false)
    {
        ledger.ContactKnown(instance.Id, customer.Id, contactId);
        return SyncResults.Delivered(contactId, detail, created);
    }

    /// <summary>The id in a write result (<c>{"id": ..., "success": true, ...}</c>).</summary>
    public static string? RecordId(string body) => Records.SalesforceId.InJson(body, "id");
}
