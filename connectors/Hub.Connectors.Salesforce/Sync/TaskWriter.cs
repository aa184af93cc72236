using System.Net.Mime;
using System.Text;
using Hub.Connectors.Salesforce.Api;
using Hub.Connectors.Salesforce.Records;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>
/// Touchpoints from other channels (a call, an SMS, an e-mail, a mention) as Tasks on the customer's Contact:
/// <c>POST sobjects/Task</c>, or an upsert by touchpoint id when a Task external id field is configured,
/// which makes a retried push write the same Task. A customer without a Contact yet gets one created first (see
/// <see cref="ContactWriter.CreateOrFindAsync"/>).
/// </summary>
internal sealed class TaskWriter(SalesforceClient client, PushLedger ledger, ContactWriter contacts)
{
    public async ValueTask<SyncResult> PushTouchpointAsync(CustomerTouchpoint item, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = SalesforceOptions.From(instance.Settings);
        var touchpoint = item.Touchpoint;
        if (options.Credentials is null)
        {
            return SyncResult.Success(detail: "inbound only: no ClientId configured, nothing written");
        }
        if (string.Equals(touchpoint.ConnectorInstanceId, instance.Id, StringComparison.OrdinalIgnoreCase))
        {
            return SyncResult.Success(detail: "arrived through this org: already in Salesforce");
        }
        if (!options.TaskChannels.Contains(touchpoint.Channel))
        {
            return SyncResult.Success(detail: $"'{touchpoint.Channel}' touchpoints are not logged as Tasks (TaskChannels)");
        }
        var contactId = ContactIdOf(item, instance);
        if (contactId is not null && ledger.TaskOf(instance.Id, touchpoint.TouchpointId) is { } existing)
        {
            return SyncResults.Delivered(contactId, $"Task {existing} was written for this touchpoint already");
        }
        // A Contact created here is the hub's own, and the result must say so, or the link would make it Salesforce's
        // and it would keep its customer from merging with another one.
        var contactCreated = false;
        if (contactId is null)
        {
            var contact = await contacts.CreateOrFindAsync(item.Customer, instance, options, cancellationToken);
            if (!contact.Delivered || contact.ExternalRecordId is null)
            {
                return contact;
            }
            contactId = contact.ExternalRecordId;
            contactCreated = contact.RecordCreated;
        }
        var upsertField = options.TaskExternalIdField;
        var body = TaskBody.For(touchpoint, contactId, forUpsert: upsertField is not null).ToJsonString();
        var response = await client.SendAsync(instance, options, instanceUrl => new HttpRequestMessage(
            upsertField is null ? HttpMethod.Post : HttpMethod.Patch,
            upsertField is null
                ? SalesforcePaths.Resource(instanceUrl, options, "sobjects", "Task")
                : SalesforcePaths.Resource(instanceUrl, options, "sobjects", "Task", upsertField, touchpoint.TouchpointId.ToString()))
        {
            Content = new StringContent(body, Encoding.UTF8, MediaTypeNames.Application.Json),
        }, cancellationToken);
        if (!response.IsSuccess)
        {
            return SyncResult.Refused($"Salesforce refused the Task ({(int)response.Status}): {SalesforceError.Describe(response.Errors, response.Body)}");
        }
        var taskId = ContactWriter.RecordId(response.Body) ?? "(id not returned)";
        ledger.TaskWritten(instance.Id, touchpoint.TouchpointId, taskId);
        return SyncResults.Delivered(contactId, $"Task {taskId} written on Contact {contactId}", contactCreated);
    }

    private string? ContactIdOf(CustomerTouchpoint item, ConnectorInstance instance) =>
        (SalesforceId.Is(item.ExternalRecordId, KeyPrefixes.Contact) ? SalesforceId.Normalize(item.ExternalRecordId) : null)
        ?? contacts.ContactIdOf(ContactPayload.From(item.Customer, SalesforceOptions.From(instance.Settings)), instance, item.Customer.Id);
}
