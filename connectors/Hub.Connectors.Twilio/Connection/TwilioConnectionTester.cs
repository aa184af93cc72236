using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hub.Connectors.Twilio.Outbound;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twilio.Connection;

/// <summary>
/// "Test connection": reads the account (<c>GET /2010-04-01/Accounts/{AccountSid}.json</c>) with the instance's
/// credentials. Refused credentials (401, 403, 404) are bad settings; no answer is an unreachable system.
/// </summary>
internal sealed class TwilioConnectionTester(IHttpClientFactory httpClients)
{
    public async ValueTask<ConnectionTestResult> TestAsync(TwilioOptions options, CancellationToken cancellationToken)
    {
        var url = new Uri(options.ApiBaseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(options.AccountSid)}.json");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));
        try
        {
            using var response = await httpClients.CreateClient(HubHttpClients.Outbound).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new(ConnectionTestOutcome.Ok, $"Twilio accepted the credentials of {options.AccountSid}.");
            }
            var error = TwilioError.Parse(await response.Content.ReadAsStringAsync(cancellationToken), (int)response.StatusCode);
            return response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound
                ? new(ConnectionTestOutcome.BadSettings, $"Twilio refused the account SID or auth token: {error.Describe()}")
                : new(ConnectionTestOutcome.Unreachable, $"Twilio did not answer usefully: {error.Describe()}");
        }
        catch (HttpRequestException e)
        {
            return new(ConnectionTestOutcome.Unreachable, $"Twilio could not be reached at {options.ApiBaseUrl}: {e.Message}");
        }
    }
}
