using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hub.Connectors.Twitter.Signing;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twitter.Connection;

/// <summary>
/// "Test connection": with the account's tokens, <c>GET /2/users/me</c> must be the configured account; with only
/// the bearer token, <c>GET /2/users/{AccountUserId}</c> must exist. Refused credentials or another account are bad
/// settings; no answer is an unreachable system. Without any credential there is nothing to test but the settings.
/// </summary>
internal sealed class XConnectionTester(IHttpClientFactory httpClients, TimeProvider time)
{
    public async ValueTask<ConnectionTestResult> TestAsync(TwitterOptions options, CancellationToken cancellationToken)
    {
        if (options.Credentials is null && options.BearerToken is null)
        {
            return new(ConnectionTestOutcome.Ok, "Webhooks only: X proves this instance's consumer secret with its CRC check when the webhook is registered.");
        }
        var url = new Uri(options.ApiBaseUrl, options.Credentials is null ? $"/2/users/{options.AccountUserId}" : "/2/users/me");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (options.Credentials is { } credentials)
        {
            OAuth1Signer.Sign(request, credentials, time);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.BearerToken);
        }
        try
        {
            using var response = await httpClients.CreateClient(HubHttpClients.OutboundSelfPaced).SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                return new(ConnectionTestOutcome.BadSettings, $"X refused the credentials or does not know the account (HTTP {(int)response.StatusCode}).");
            }
            if (!response.IsSuccessStatusCode)
            {
                return new(ConnectionTestOutcome.Unreachable, $"X did not answer usefully (HTTP {(int)response.StatusCode}).");
            }
            var id = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("id").GetString();
            return id == options.AccountUserId
                ? new(ConnectionTestOutcome.Ok, $"X accepted the credentials of account {id}.")
                : new(ConnectionTestOutcome.BadSettings, $"The access token belongs to account {id}, not to '{TwitterOptions.Account}' {options.AccountUserId}.");
        }
        catch (HttpRequestException e)
        {
            return new(ConnectionTestOutcome.Unreachable, $"X could not be reached at {options.ApiBaseUrl}: {e.Message}");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new(ConnectionTestOutcome.Unreachable, "X answered with something that is not a user.");
        }
    }
}
