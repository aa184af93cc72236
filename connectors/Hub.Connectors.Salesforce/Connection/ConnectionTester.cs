using System.Net;
using System.Net.Http.Headers;
using Hub.Connectors.Salesforce.Api;
using Hub.Connectors.Salesforce.Auth;
using Hub.Connectors.Salesforce.Sync;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Connection;

/// <summary>
/// "Test connection": a fresh token (the credentials), then <c>GET sobjects/Contact/describe</c> (the API
/// version, Contact access, the external id field and the mapped fields). A refusal is bad settings; no
/// answer, a timeout or a 5xx is an unreachable system.
/// </summary>
internal sealed class ConnectionTester(TokenRequester tokens, IHttpClientFactory httpClients)
{
    public async ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = SalesforceOptions.From(instance.Settings);
        if (options.Credentials is null)
        {
            return new(ConnectionTestOutcome.Ok, "Inbound only: no ClientId, so there is nothing to sign in with.");
        }
        try
        {
            var token = await tokens.RequestAsync(options, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, SalesforcePaths.Resource(token.InstanceUrl, options, "sobjects", "Contact", "describe"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
            using var response = await httpClients.CreateClient(HubHttpClients.Outbound).SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => ContactDescribe.Check(body, options, token.UserId),
                HttpStatusCode.NotFound => new(ConnectionTestOutcome.BadSettings,
                    $"API version {options.ApiVersion} or the Contact object is not available: {SalesforceError.Describe(SalesforceError.ParseBody(body), "404")}"),
                >= HttpStatusCode.InternalServerError => new(ConnectionTestOutcome.Unreachable, $"Salesforce answered {(int)response.StatusCode}."),
                _ => new(ConnectionTestOutcome.BadSettings,
                    $"Salesforce refused to describe Contact ({(int)response.StatusCode}): {SalesforceError.Describe(SalesforceError.ParseBody(body), body)}"),
            };
        }
        catch (SalesforceAuthenticationException e)
        {
            return new(ConnectionTestOutcome.BadSettings, e.Message);
        }
        catch (HttpRequestException e)
        {
            return new(ConnectionTestOutcome.Unreachable, $"Salesforce could not be reached: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(ConnectionTestOutcome.Unreachable, "Salesforce did not answer in time.");
        }
    }
}
