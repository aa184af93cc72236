using System.Net;
using Hub.Connectors.Salesforce.Api;
using Hub.Connectors.Salesforce.Records;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>
/// The Contact that holds a customer's id in the external id field: <c>GET sobjects/Contact/{ExternalIdField}/{value}</c>,
/// answered with the record (<c>{"attributes": ..., "Id": ...}</c>), 404 when none has it, or 300 when several do.
/// </summary>
internal sealed record ContactLookup(string? ContactId, SalesforceResponse Response)
{
    public bool NotFound => Response.Status == HttpStatusCode.NotFound;

    public bool Several => Response.Status == HttpStatusCode.MultipleChoices;

    public static async Task<ContactLookup> ByExternalIdAsync(
        SalesforceClient client, ConnectorInstance instance, SalesforceOptions options, string externalIdValue, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync(instance, options, instanceUrl => new HttpRequestMessage(HttpMethod.Get,
            SalesforcePaths.Resource(instanceUrl, options, "sobjects", "Contact", options.ExternalIdField, externalIdValue)), cancellationToken);
        return new ContactLookup(response.IsSuccess ? SalesforceId.InJson(response.Body, "Id") : null, response);
    }
}
