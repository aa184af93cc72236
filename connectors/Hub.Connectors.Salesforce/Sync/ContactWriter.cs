using System.Net;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using Hub.Connectors.Salesforce.Api;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>
/// One customer change to one Contact: <c>PATCH sobjects/Contact/{ExternalIdField}/{customer id}</c> (upsert),
/// or <c>PATCH sobjects/Contact/{id}</c> when the Contact id is known. Refusals (validation rules, bad fields)
/// are reported with Salesforce's code, fields and message; transient failures throw.
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
        var contactId = payload.ContactId ?? ledger.ContactId(instance.Id, customer.Id);
        var body = payload.ToJson(contactId is null ? null : options.ExternalIdField).ToJsonString();
        var response = await client.SendAsync(instance, options, instanceUrl => new HttpRequestMessage(HttpMethod.Patch, contactId is null
            ? SalesforcePaths.Resource(instanceUrl, options, "sobjects", "Contact", options.ExternalIdField, payload.ExternalIdValue)
            : SalesforcePaths.Resource(instanceUrl, options, "sobjects", "Contact", contactId))
        {
            Content = new StringContent(body, Encoding.UTF8, MediaTypeNames.Application.Json),
        }, cancellationToken);
        if (response.Status == HttpStatusCode.MultipleChoices)
        {
            return SyncResult.Refused($"Several Contacts have {options.ExternalIdField} = {payload.ExternalIdValue}: nothing written; merge them in Salesforce.");
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
        return SyncResults.Delivered(id, response.Status == HttpStatusCode.Created ? $"Contact {id} created" : $"Contact {id} updated");
    }

    public static string? RecordId(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("id", out var id) ? Records.SalesforceId.Normalize(id.GetString()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
