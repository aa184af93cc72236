using System.Net;
using Hub.Contracts.Connectors;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests.Sync;

/// <summary>
/// Test connection probes the target URL with OPTIONS and says what the answer means: a 5xx is a fault on the target's
/// side and a 404 a wrong path, neither is OK; 405 and 501 only say the server does not handle OPTIONS.
/// </summary>
public sealed class ConnectionTestTests
{
    [Theory]
    [InlineData(204, ConnectionTestOutcome.Ok, "The target answered 204.")]
    [InlineData(405, ConnectionTestOutcome.Ok, "does not handle the OPTIONS probe")]
    [InlineData(501, ConnectionTestOutcome.Ok, "does not handle the OPTIONS probe")]
    [InlineData(404, ConnectionTestOutcome.BadSettings, "nothing takes requests at this URL")]
    [InlineData(401, ConnectionTestOutcome.BadSettings, "refused the probe with 401")]
    [InlineData(500, ConnectionTestOutcome.Unreachable, "a fault on its side")]
    [InlineData(503, ConnectionTestOutcome.Unreachable, "a fault on its side")]
    public async Task The_answer_to_the_probe_is_explained(int status, ConnectionTestOutcome outcome, string detail)
    {
        var tester = (IConnectionTester)Connector(httpClients: new FixedAnswer((HttpStatusCode)status));

        var result = await tester.TestAsync(Instance(("Secret", SecretA), ("TargetUrl", "https://crm.example.com/hooks/hub")), CancellationToken.None);

        Assert.Equal(outcome, result.Outcome);
        Assert.Contains(detail, result.Detail, StringComparison.Ordinal);
    }

    private sealed class FixedAnswer(HttpStatusCode status) : HttpMessageHandler, IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal(HttpMethod.Options, request.Method);
            return Task.FromResult(new HttpResponseMessage(status));
        }
    }
}
