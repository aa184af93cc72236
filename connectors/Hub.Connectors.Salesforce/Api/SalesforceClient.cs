using System.Net;
using System.Net.Http.Headers;
using Hub.Connectors.Salesforce.Auth;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Api;

/// <summary>
/// Every REST call to an org: through the gate, with the cached token (renewed once on 401
/// INVALID_SESSION_ID), tagged with <see cref="CallOptionsClient"/> so that the org's change events
/// name the hub as their origin. Transient failures throw; everything else is the caller's to read.
/// </summary>
internal sealed class SalesforceClient(IHttpClientFactory httpClients, TokenCache tokens, OrgGate gate)
{
    /// <summary>The client id in <c>Sforce-Call-Options</c>; change events then carry <c>changeOrigin ...;client=HubConnector</c>.</summary>
    public const string CallOptionsClient = "HubConnector";

    public async Task<SalesforceResponse> SendAsync(
        ConnectorInstance instance, SalesforceOptions options, Func<Uri, HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        gate.ThrowIfClosed(instance.Id);
        var token = await tokens.GetAsync(instance.Id, options, cancellationToken);
        var response = await SendOnceAsync(instance.Id, token, build, cancellationToken);
        if (response.Status == HttpStatusCode.Unauthorized)
        {
            token = await tokens.RefreshAsync(instance.Id, options, token, cancellationToken);
            response = await SendOnceAsync(instance.Id, token, build, cancellationToken);
            if (response.Status == HttpStatusCode.Unauthorized)
            {
                throw new SalesforceAuthenticationException($"Salesforce refused a fresh token: {SalesforceError.Describe(response.Errors, "401")}");
            }
        }
        return Classify(instance.Id, response);
    }

    private async Task<SalesforceResponse> SendOnceAsync(
        string instanceId, SalesforceToken token, Func<Uri, HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        using var request = build(token.InstanceUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        request.Headers.TryAddWithoutValidation("Sforce-Call-Options", $"client={CallOptionsClient}");
        try
        {
            using var response = await httpClients.CreateClient(HubHttpClients.Outbound).SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new SalesforceResponse(response.StatusCode, body, RetryAfter(response));
        }
        catch (HttpRequestException e)
        {
            gate.Failure(instanceId, e.Message);
            throw;
        }
    }

    private SalesforceResponse Classify(string instanceId, SalesforceResponse response)
    {
        var status = (int)response.Status;
        var limited = response.Errors.Any(e => e.Code == "REQUEST_LIMIT_EXCEEDED");
        if (limited || response.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            var reason = SalesforceError.Describe(response.Errors, $"HTTP {status}");
            var wait = gate.BackOff(instanceId, response.RetryAfter, reason);
            throw new SyncTargetUnavailableException($"Salesforce asked to wait ({reason}); retry after {wait.TotalSeconds:0} s.", wait);
        }
        if (status >= 500 || response.Status == HttpStatusCode.RequestTimeout)
        {
            gate.Failure(instanceId, $"HTTP {status}");
            throw new HttpRequestException($"Salesforce answered {status}: {SalesforceError.Describe(response.Errors, "no error body")}", null, response.Status);
        }
        if (response.Errors.FirstOrDefault(e => e.IsTransient) is { } transient)
        {
            throw new SyncTargetUnavailableException($"Salesforce reported a transient error: {transient}");
        }
        gate.Success(instanceId);
        return response;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when response.Headers.Date is { } now => date - now,
        _ => null,
    };
}

/// <summary>A response read whole: status, body, and the errors in it.</summary>
internal sealed record SalesforceResponse(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)
{
    public IReadOnlyList<SalesforceError> Errors { get; } = (int)Status >= 300 ? SalesforceError.ParseBody(Body) : [];

    public bool IsSuccess => (int)Status is >= 200 and < 300;
}
