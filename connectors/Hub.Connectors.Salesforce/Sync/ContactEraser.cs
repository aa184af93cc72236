using System.Net;
using System.Net.Mime;
using System.Text;
using System.Text.Json.Nodes;
using Hub.Connectors.Salesforce.Api;
using Hub.Connectors.Salesforce.Records;
using Hub.Contracts.Connectors;
using Hub.Contracts.Erasure;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>
/// An erased customer's Contact: <c>DELETE sobjects/Contact/{id}</c>, or with <c>ErasureMode=anonymize</c> a
/// <c>PATCH</c> that clears every mapped field and sets LastName to "Erased". A Contact that is gone already counts
/// as done; so does a customer the org never had a Contact for. Without a known Contact id, the Contact is looked
/// up by the external id field.
/// </summary>
internal sealed class ContactEraser(SalesforceClient client, PushLedger ledger)
{
    public const string AnonymousLastName = "Erased";

    public async ValueTask<ErasureResult> EraseAsync(CustomerErasure erasure, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = SalesforceOptions.From(instance.Settings);
        if (options.Credentials is null)
        {
            return ErasureResult.Refused("no ClientId configured: the hub cannot write to this org; delete the Contact in Salesforce.");
        }
        var contactId = SalesforceId.Normalize(erasure.ExternalRecordId)
            ?? erasure.ExternalIdentifiers.Where(i => i.Type == ContactPayload.ContactIdentifierType).Select(i => SalesforceId.Normalize(i.Value)).OfType<string>().Order(StringComparer.Ordinal).FirstOrDefault()
            ?? ledger.ContactId(instance.Id, erasure.CustomerId);
        if (contactId is null)
        {
            // A Contact created for a Task just before the erasure froze the customer (its id not recorded yet) still
            // carries the customer's id in the external id field.
            var found = await ContactLookup.ByExternalIdAsync(client, instance, options, erasure.CustomerId.ToString(), cancellationToken);
            if (found.NotFound)
            {
                return ErasureResult.Erased("no Contact of this customer is known in this org");
            }
            if (found.Several)
            {
                return ErasureResult.Refused($"Several Contacts have {options.ExternalIdField} = {erasure.CustomerId}: erase them in Salesforce.");
            }
            contactId = found.ContactId;
            if (contactId is null)
            {
                var answer = found.Response;
                return ErasureResult.Refused($"Salesforce did not answer which Contact has {options.ExternalIdField} = {erasure.CustomerId} ({(int)answer.Status}): {SalesforceError.Describe(answer.Errors, answer.Body)}");
            }
        }
        var response = await client.SendAsync(instance, options, instanceUrl =>
        {
            var uri = SalesforcePaths.Resource(instanceUrl, options, "sobjects", "Contact", contactId);
            return options.AnonymizeOnErasure
                ? new HttpRequestMessage(HttpMethod.Patch, uri) { Content = new StringContent(Anonymized(options), Encoding.UTF8, MediaTypeNames.Application.Json) }
                : new HttpRequestMessage(HttpMethod.Delete, uri);
        }, cancellationToken);
        if (response.IsSuccess)
        {
            return ErasureResult.Erased(options.AnonymizeOnErasure ? $"Contact {contactId} anonymized" : $"Contact {contactId} deleted");
        }
        if (response.Status == HttpStatusCode.NotFound || response.Errors.Any(e => e.Code == "ENTITY_IS_DELETED"))
        {
            return ErasureResult.Erased($"Contact {contactId} was gone already");
        }
        return ErasureResult.Refused($"Salesforce refused to erase Contact {contactId} ({(int)response.Status}): {SalesforceError.Describe(response.Errors, response.Body)}");
    }

    private static string Anonymized(SalesforceOptions options)
    {
        var json = new JsonObject();
        foreach (var (_, field) in options.Mapping.Pairs)
        {
            json[field] = null;
        }
        json["LastName"] = AnonymousLastName;
        return json.ToJsonString();
    }
}
