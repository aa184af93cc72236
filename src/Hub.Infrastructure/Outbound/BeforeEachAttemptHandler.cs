using Hub.Contracts.Connectors;

namespace Hub.Infrastructure.Outbound;

/// <summary>
/// Sits inside the retry, so it sees every attempt: calls the request's <see cref="HubHttpClients.BeforeEachAttempt"/>
/// (a Standard Webhooks signature over the attempt's own timestamp, not the first attempt's).
/// </summary>
internal sealed class BeforeEachAttemptHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(HubHttpClients.BeforeEachAttempt, out var prepare))
        {
            prepare(request);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
